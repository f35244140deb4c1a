// The chai assertions pass on what should pass and fail with a message that says what differs
// (expected vs actual, the last observed state and the timeline).
import * as chai from 'chai';
import { exerciseAssertions } from '../../src/assertions/exercise-assertions.ts';
import type { ExerciseResult } from '../../src/exercise/run-exercise.ts';
import { job, timelineOf } from './timeline.spec.ts';

chai.use(exerciseAssertions);
const { expect } = chai;

function result(kind: 'sequential' | 'parallel'): ExerciseResult {
  const timeline = timelineOf(kind);
  timeline.record(job(5000, [{ type: 'Complete', status: 'True', reason: 'CompletionsReached' }], { succeeded: 3 }));
  return { exercise: { name: 'j', job: 'j', manifest: 'm.yaml' }, namespace: 'ns-1', timeline, logs: new Map([['j-aaaaa', 'hi\n']]), durationMs: 5000 };
}

function failsWith(fn: () => void, ...patterns: RegExp[]): void {
  let message = '';
  try {
    fn();
  } catch (error) {
    message = (error as Error).message;
  }
  expect(message, 'the assertion should have failed').to.not.equal('');
  for (const p of patterns) expect(message).to.match(p);
}

describe('exercise assertions', () => {
  it('createdPods: passes on the count, fails naming the pods and the last state', () => {
    expect(result('sequential')).to.have.createdPods(3);
    failsWith(() => expect(result('sequential')).to.have.createdPods(5), /create exactly 5 pod\(s\), it created 3: j-aaaaa, j-bbbbb, j-ccccc/, /Last observed state \(namespace ns-1\)/, /Timeline:/);
  });

  it('activeAtOnce: names the moment and the pods of the maximum', () => {
    expect(result('parallel')).to.have.activeAtOnce(3);
    failsWith(() => expect(result('parallel')).to.have.activeAtOnce(1), /the most was 3 \(at \+0\.0s: j-aaaaa, j-bbbbb, j-ccccc\)/);
  });

  it('sequentialPods: names the pod created while the previous one ran; negated for parallel', () => {
    expect(result('sequential')).to.have.sequentialPods();
    expect(result('parallel')).not.to.have.sequentialPods();
    failsWith(() => expect(result('parallel')).to.have.sequentialPods(), /j-bbbbb was created at \+0\.0s while j-aaaaa had not finished/);
  });

  it('jobCondition: lists the conditions seen; negated form says when it happened', () => {
    expect(result('sequential')).to.have.jobCondition('Complete', 'CompletionsReached');
    failsWith(() => expect(result('sequential')).to.have.jobCondition('Failed'), /conditions were: Complete\/CompletionsReached/);
    failsWith(() => expect(result('sequential')).not.to.have.jobCondition('Complete'), /never to reach condition Complete, but it did at \+5\.0s/);
  });

  it('jobStatus and podLogs: say which field and which pod differ', () => {
    expect(result('sequential')).to.have.jobStatus({ succeeded: 3 });
    failsWith(() => expect(result('sequential')).to.have.jobStatus({ succeeded: 5 }), /succeeded is 3/);
    expect(result('sequential')).to.have.podLogs('hi\n');
    failsWith(() => expect(result('sequential')).to.have.podLogs('bye\n'), /j-aaaaa printed "hi\\n"/);
  });

  it('podStatuses: CrashLoopBackOff is shown by the status or by the kubelet\'s BackOff event', () => {
    const r = result('sequential');
    expect(r).to.have.podStatuses(['Running', 'Completed']);
    failsWith(() => expect(r).to.have.podStatuses(['CrashLoopBackOff']), /j-aaaaa never showed CrashLoopBackOff \(it showed Pending→Running→Completed; events none\)/);
    for (const name of ['j-aaaaa', 'j-bbbbb', 'j-ccccc']) {
      r.timeline.record({ kind: 'Event', at: 6000, type: 'ADDED', name, objectKind: 'Pod', reason: 'BackOff', message: 'Back-off restarting failed container' });
    }
    expect(r).to.have.podStatuses(['CrashLoopBackOff']);
  });

  it('completeAfterLastPod and allPodsPhase', () => {
    expect(result('sequential')).to.have.completeAfterLastPod();
    expect(result('sequential')).to.have.allPodsPhase('Succeeded');
    failsWith(() => expect(result('sequential')).to.have.allPodsPhase('Failed'), /j-aaaaa is Succeeded/);
  });
});
