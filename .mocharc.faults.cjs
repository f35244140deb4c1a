// Faults and signals: lesson-verify as a child process on local clusters of its own (killed
// components, Ctrl-C, SIGTERM). No shared cluster: run alone, as no other local cluster may run
// beside one whose teardown is checked for leftovers (kube-proxy's chains are host-wide).
module.exports = {
  spec: ['specs/hostile/faults.hostile.spec.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
