// The settle rules of every workload kind, table-driven, and the store's view of an exercise.
import { expect } from 'chai';
import { ObjectStore } from '../../src/workloads/object-store.ts';
import { STABLE_AFTER_MS, workloadKind, type WatchedObject } from '../../src/workloads/workload-kinds.ts';

const obj = (kind: string, name: string, rest: Partial<WatchedObject> = {}): WatchedObject =>
  ({ kind, apiVersion: 'v1', metadata: { name, namespace: 'ns', generation: 1, ...(rest.metadata ?? {}) }, spec: rest.spec ?? {}, status: rest.status ?? {} });
const settle = (o: WatchedObject, unchangedForMs = 0) => workloadKind(o.kind ?? '')?.settle(o, { unchangedForMs });
const ready = [{ type: 'Ready', status: 'True' }];
const byJob = { ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: 'u', controller: true }] };
const byRs = { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'r', uid: 'u', controller: true }] };

describe('workload settle rules', () => {
  const cases: [string, WatchedObject, number, string][] = [
    ['a bare pod Running and Ready', obj('Pod', 'p', { status: { phase: 'Running', conditions: ready } }), 0, 'settled'],
    ['a bare pod Pending', obj('Pod', 'p', { status: { phase: 'Pending' } }), 0, 'waiting'],
    ['a bare pod Running, not Ready, for long', obj('Pod', 'p', { status: { phase: 'Running' } }), STABLE_AFTER_MS, 'settled'],
    ['a bare pod Succeeded', obj('Pod', 'p', { status: { phase: 'Succeeded' } }), 0, 'settled'],
    ['a pod in CrashLoopBackOff', obj('Pod', 'p', { status: { phase: 'Running', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }), 0, 'settled'],
    ['a pod whose image cannot be pulled', obj('Pod', 'p', { status: { phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ImagePullBackOff' } } }] } }), 0, 'stuck'],
    ['a pod being deleted', obj('Pod', 'p', { metadata: { name: 'p', deletionTimestamp: new Date() }, status: { phase: 'Running', conditions: ready } }), 0, 'waiting'],
    ['a Job\'s pod still running', obj('Pod', 'j-abcde', { metadata: { name: 'j-abcde', ...byJob }, status: { phase: 'Running', conditions: ready } }), 0, 'waiting'],
    ['a ReplicaSet\'s pod (its owner decides)', obj('Pod', 'r-abcde', { metadata: { name: 'r-abcde', ...byRs }, status: { phase: 'Pending' } }), 0, 'settled'],
    ['a Job running', obj('Job', 'j', { status: { active: 1 } }), 0, 'waiting'],
    ['a Job Complete', obj('Job', 'j', { status: { conditions: [{ type: 'Complete', status: 'True' }] } }), 0, 'settled'],
    ['a Job Failed', obj('Job', 'j', { status: { conditions: [{ type: 'Failed', status: 'True' }] } }), 0, 'settled'],
    ['a suspended Job', obj('Job', 'j', { spec: { suspend: true } }), 0, 'settled'],
    ['a Deployment rolled out', obj('Deployment', 'd', { spec: { replicas: 3 }, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } }), 0, 'settled'],
    ['a Deployment with old pods left', obj('Deployment', 'd', { spec: { replicas: 3 }, status: { observedGeneration: 1, replicas: 4, updatedReplicas: 3, availableReplicas: 3 } }), 0, 'waiting'],
    ['a Deployment whose change is not observed yet', obj('Deployment', 'd', { metadata: { name: 'd', generation: 2 }, spec: { replicas: 3 }, status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 } }), STABLE_AFTER_MS, 'waiting'],
    ['a Deployment past its progress deadline', obj('Deployment', 'd', { status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }), 0, 'stuck'],
    ['a paused Deployment', obj('Deployment', 'd', { spec: { paused: true } }), 0, 'settled'],
    ['a StatefulSet on its way', obj('StatefulSet', 's', { spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 1, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'a' } }), 0, 'waiting'],
    ['a StatefulSet ready', obj('StatefulSet', 's', { spec: { replicas: 2 }, status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: 'a', updateRevision: 'a' } }), 0, 'settled'],
    ['a DaemonSet ready', obj('DaemonSet', 'x', { status: { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 1, updatedNumberScheduled: 1 } }), 0, 'settled'],
    ['a DaemonSet starting', obj('DaemonSet', 'x', { status: { observedGeneration: 1, desiredNumberScheduled: 1, numberReady: 0, updatedNumberScheduled: 1 } }), 0, 'waiting'],
    ['a CronJob (never waited for)', obj('CronJob', 'c', { spec: { schedule: '*/1 * * * *' } }), 0, 'settled'],
    ['a Service', obj('Service', 'svc'), 0, 'settled'],
  ];
  for (const [what, o, unchanged, state] of cases) {
    it(`${what}: ${state}`, () => expect(settle(o, unchanged)?.state).to.equal(state));
  }
});

describe('object store', () => {
  it('settled but not quiescent while a CronJob or a finished Job\'s TTL will still change things', () => {
    const store = new ObjectStore();
    store.record(obj('Job', 'j', { spec: { ttlSecondsAfterFinished: 5 }, status: { conditions: [{ type: 'Complete', status: 'True' }] } }), false, 0);
    expect(store.state(1)).to.include({ settled: true, quiescent: false });
    expect(store.state(1).timers[0]).to.match(/job\/j is deleted 5 s after/);
    store.record(obj('Job', 'j'), true, 2);
    expect(store.state(3)).to.include({ settled: true, quiescent: true });
  });

  it('names what is still changing and what is stuck; something stuck settles the exercise (waiting cannot fix it)', () => {
    const store = new ObjectStore();
    store.record(obj('Job', 'j', { status: { active: 1 } }), false, 0);
    store.record(obj('Pod', 'p', { status: { phase: 'Pending', containerStatuses: [{ name: 'c', state: { waiting: { reason: 'ErrImagePull', message: 'not found' } } }] } }), false, 0);
    const state = store.state(1);
    expect(state.settled).to.equal(true);
    expect(state.waiting).to.deep.equal(['job/j: active 1, succeeded 0, failed 0']);
    expect(state.stuck).to.deep.equal(['pod/p: ErrImagePull (not found)']);
    const running = new ObjectStore();
    running.record(obj('Job', 'j', { status: { active: 1 } }), false, 0);
    expect(running.state(1).settled).to.equal(false);
  });

  it('judges "unchanged for a while" from the last change of the object', () => {
    const store = new ObjectStore();
    store.record(obj('Pod', 'p', { status: { phase: 'Running' } }), false, 1_000);
    expect(store.state(1_000 + STABLE_AFTER_MS - 1).settled).to.equal(false);
    expect(store.state(1_000 + STABLE_AFTER_MS).settled).to.equal(true);
  });
});
