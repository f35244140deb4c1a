// The package as a course's repository uses it: packed, installed into a temporary course folder,
// `npx lesson-verify lessons/` run there (its own cluster, reports and set-up), on a real cluster.
module.exports = {
  spec: ['specs/package/**/*.package.spec.ts'],
  'node-option': ['import=tsx'],
  reporter: 'specs/support/spec-and-junit-reporter.cjs',
  timeout: 60000,
  exit: true,
};
