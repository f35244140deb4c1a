// lesson-verify end to end: its own cluster run, after the lesson specs, so that the timing-
// sensitive exercise specs never share the machine with it.
module.exports = {
  spec: ['specs/verify/**/*.verify.spec.ts'],
  require: ['specs/e2e/support/lesson-cluster.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
