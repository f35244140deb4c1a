// Exercise 1 of the Jobs lesson: a Job whose single pod prints 9..1 and succeeds.
import { expect } from 'chai';
import type { ExerciseResult } from '../../src/exercise/run-exercise.ts';
import { exercise } from './support/lesson-cluster.ts';

describe('countdown: a Job that runs once', function () {
  const run = exercise('countdown');
  let r: ExerciseResult;
  before(async function () {
    this.timeout(400_000); // waits for the cluster, then the exercise (see defaults.timeouts)
    r = await run.result;
  });

  it('creates exactly one pod', () => expect(r).to.have.createdPods(1));
  it('ends the pod Succeeded, its container terminated Completed with exit code 0 and no restart', () => {
    expect(r).to.have.allPodsPhase('Succeeded');
    expect(r).to.have.containerTerminated('Completed', 0);
    expect(r).to.have.restartsBetween(0, 0);
  });
  it('prints exactly 9 down to 1', () => expect(r).to.have.podLogs('9\n8\n7\n6\n5\n4\n3\n2\n1\n'));
  it('marks the Job Complete with succeeded 1 and failed 0', () => {
    expect(r).to.have.jobCondition('Complete');
    expect(r).to.have.jobStatus({ succeeded: 1, failed: 0, active: 0 });
  });
});
