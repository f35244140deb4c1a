// The kind provider (testcontainers): its node keeps kube-proxy's chains in its own network
// namespace, so it may run beside the local clusters of the other suites.
const cluster = require('./.mocharc.cluster.cjs');

module.exports = { ...cluster, spec: ['specs/cluster/kind-provider.cluster.spec.ts'], ignore: [] };
