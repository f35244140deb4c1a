// The course suites (specs/verify/course-lessons.verify.spec.ts): the course's lessons and their
// broken copies, verified as course runs, on a cluster of their own. Lessons that name namespaces
// run alone in a process (src/verify/lesson-gate.ts), and each copy of the course has one: beside
// the other verify suites in one process they held those back for minutes, so `npm test` runs
// this in a process and on a cluster of its own (scripts/run-tests.ts).
const verify = require('./.mocharc.verify.cjs');

module.exports = { ...verify, spec: ['specs/verify/course-lessons.verify.spec.ts'] };
