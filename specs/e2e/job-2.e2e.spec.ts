// Exercise 2: completions 5 with the default parallelism 1 — five pods, strictly one after another.
import { expect } from 'chai';
import type { ExerciseResult } from '../../src/exercise/run-exercise.ts';
import { exercise } from './support/lesson-cluster.ts';

describe('job-2: completions 5, pods one after another', function () {
  const run = exercise('job-2');
  let r: ExerciseResult;
  before(async function () {
    this.timeout(400_000);
    r = await run.result;
  });

  it('creates exactly five pods', () => expect(r).to.have.createdPods(5));
  it('never has more than one pod active at once', () => expect(r).to.have.activeAtOnce(1));
  it('creates each pod only after the previous one finished', () => expect(r).to.have.sequentialPods());
  it('ends every pod Succeeded', () => expect(r).to.have.allPodsPhase('Succeeded'));
  it('marks the Job Complete with succeeded 5', () => {
    expect(r).to.have.jobCondition('Complete');
    expect(r).to.have.jobStatus({ succeeded: 5, failed: 0, active: 0 });
  });
});
