// Tests of the cluster providers themselves (each starts and stops its own cluster).
module.exports = {
  spec: ['specs/cluster/**/*.cluster.spec.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
