// Exercise 3: parallelism 5 without completions — the work-queue pattern.
import { expect } from 'chai';
import type { ExerciseResult } from '../../src/exercise/run-exercise.ts';
import { exercise } from './support/lesson-cluster.ts';

describe('job-3: parallelism 5, work queue', function () {
  const run = exercise('job-3');
  let r: ExerciseResult;
  before(async function () {
    this.timeout(400_000);
    r = await run.result;
  });

  it('leaves spec.completions null (it does not default to parallelism)', () => {
    expect(r.timeline.lastJob()?.completions, `spec.completions of Job job-3 (parallelism ${r.timeline.lastJob()?.parallelism})`).to.equal(null);
  });
  it('creates five pods together and no sixth', () => {
    expect(r).to.have.createdPods(5);
    // Generous: the Job controller creates them in one sync; 5 s absorbs a slow API server.
    expect(r).to.have.podsCreatedWithin(5_000);
  });
  it('runs all five at the same time', () => expect(r).to.have.activeAtOnce(5));
  it('is Complete only after the last pod ended, with succeeded 5', () => {
    expect(r).to.have.completeAfterLastPod();
    expect(r).to.have.jobStatus({ succeeded: 5, failed: 0, active: 0 });
  });
});
