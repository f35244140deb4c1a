// The suites that only verify lessons on a shared cluster, on ONE cluster (the root hook starts
// it): the exercise specs and the verify suites but the course's (npm run test:course). Their exercises and verifications start together
// as soon as the cluster is up (whenClusterUp) and spend their time mostly waiting, side by side.
// The hostile lessons have a cluster of their own (npm run test:hostile): they check that no
// sandbox process of theirs is left on the host and measure their own time, which lessons running
// beside them in one process would disturb. `npm test` runs this (scripts/run-tests.ts) beside the
// suites with clusters of their own.
const e2e = require('./.mocharc.e2e.cjs');
const verify = require('./.mocharc.verify.cjs');

module.exports = {
  ...verify,
  spec: [...e2e.spec, ...verify.spec],
  // A process and a cluster of their own (.mocharc.course.cjs).
  ignore: ['specs/verify/course-lessons.verify.spec.ts'],
};
