// Faults and signals: lesson-verify as a child process on local clusters of its own (killed
// components, Ctrl-C, SIGTERM), each in a network namespace of its own, so beside other suites.
module.exports = {
  spec: ['specs/hostile/faults.hostile.spec.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
