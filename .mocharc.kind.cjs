// The kind provider (testcontainers), a suite of its own so that npm test runs it beside the others.
const cluster = require('./.mocharc.cluster.cjs');

module.exports = { ...cluster, spec: ['specs/cluster/kind-provider.cluster.spec.ts'], ignore: [] };
