// Hostile lessons (specs/fixtures/hostile/): each an attack a lesson from a pull request could
// make, run on a real cluster with short timeouts; each must end bounded, reported, and leave
// the host and the cluster as they were. Not the faults spec: it starts local clusters of its own
// and has a config of its own (npm run test:faults).
module.exports = {
  spec: ['specs/hostile/**/*.hostile.spec.ts'],
  ignore: ['specs/hostile/faults.hostile.spec.ts'],
  require: ['specs/e2e/support/lesson-cluster.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
