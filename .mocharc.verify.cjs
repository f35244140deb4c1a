// lesson-verify end to end, on a cluster of its own (npm test runs it with the other lesson suites,
// .mocharc.lessons.cjs).
module.exports = {
  spec: ['specs/verify/**/*.verify.spec.ts'],
  require: ['specs/e2e/support/lesson-cluster.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
