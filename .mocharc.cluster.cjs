// Tests of the cluster providers themselves (each starts and stops its own cluster), in a
// temporary directory of their own that must be empty again at the end.
module.exports = {
  spec: ['specs/cluster/**/*.cluster.spec.ts'],
  // kind's spec runs beside the others (npm run test:kind, .mocharc.kind.cjs).
  ignore: ['specs/cluster/kind-provider.cluster.spec.ts'],
  require: ['specs/support/temp-dir-check.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
