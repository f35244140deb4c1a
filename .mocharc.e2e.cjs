// End-to-end specs on a real cluster. LESSON_HARNESS_SPECS (comma-separated files) narrows the
// run to some exercises: the mutation tests use it, since mocha merges rather than replaces specs.
module.exports = {
  spec: process.env.LESSON_HARNESS_SPECS ? process.env.LESSON_HARNESS_SPECS.split(',') : ['specs/e2e/**/*.e2e.spec.ts'],
  require: ['specs/e2e/support/lesson-cluster.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
