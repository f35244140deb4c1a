// Every suite that only runs lessons on a cluster, on ONE cluster (the root hook starts it): the
// exercise specs, the verify suites and the hostile lessons. Their time is mostly the lessons' own
// waiting, which they spend side by side (whenClusterUp); `npm test` runs this (scripts/run-tests.ts).
// The faults spec starts clusters of its own and runs later, alone (.mocharc.faults.cjs; the
// hostile config leaves it out).
const e2e = require('./.mocharc.e2e.cjs');
const verify = require('./.mocharc.verify.cjs');
const hostile = require('./.mocharc.hostile.cjs');

module.exports = {
  ...hostile,
  spec: [...e2e.spec, ...verify.spec, ...hostile.spec],
};
