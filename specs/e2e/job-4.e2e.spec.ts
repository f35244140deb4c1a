// Exercise 4: a container that always exits 1, restartPolicy OnFailure, backoffLimit 5 and
// activeDeadlineSeconds 20 — the deadline ends the Job long before the backoff limit.
import { expect } from 'chai';
import type { ExerciseResult } from '../../src/exercise/run-exercise.ts';
import { exercise } from './support/lesson-cluster.ts';

describe('job-4: failing container, deadline before backoff limit', function () {
  const run = exercise('job-4');
  let r: ExerciseResult;
  before(async function () {
    this.timeout(400_000);
    r = await run.result;
  });

  it('keeps exactly one pod (the kubelet restarts the container in place)', () => expect(r).to.have.createdPods(1));
  it('shows the container failing with Error (exit 1) and waiting in CrashLoopBackOff', () => {
    expect(r).to.have.containerTerminated('Error', 1);
    expect(r).to.have.podStatuses(['Error', 'CrashLoopBackOff']);
  });
  it('restarts the container at least once and fewer than five times', () => expect(r).to.have.restartsBetween(1, 4));
  it('fails the Job with DeadlineExceeded about 20 s after its startTime', () => {
    expect(r).to.have.jobCondition('FailureTarget', 'DeadlineExceeded');
    expect(r).to.have.jobCondition('Failed', 'DeadlineExceeded');
    // API timestamps have one-second resolution; the controller acts within a sync or two.
    expect(r).to.have.jobConditionAfter('FailureTarget', 19, 24);
  });
  it('never reaches BackoffLimitExceeded', () => {
    expect(r).not.to.have.jobCondition('FailureTarget', 'BackoffLimitExceeded');
    expect(r).not.to.have.jobCondition('Failed', 'BackoffLimitExceeded');
  });
  it('deletes the pod and ends with succeeded 0', () => {
    expect(r).to.have.podsDeleted();
    expect(r).to.have.jobStatus({ succeeded: 0, active: 0 });
  });
});
