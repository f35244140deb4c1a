// Timeline maths on hand-made observations: pods one after another, pods at once, conditions.
import { expect } from 'chai';
import { Timeline, type JobObservation, type PodObservation } from '../../src/timeline/timeline.ts';

export function pod(at: number, name: string, phase: string, state: 'waiting' | 'running' | 'terminated' = 'running', extra: Partial<PodObservation> = {}): PodObservation {
  return {
    kind: 'Pod', at, type: 'MODIFIED', name, phase, deleting: false,
    // A Pending pod has no container status yet, as the API server reports it.
    containers: phase === 'Pending' ? [] : [{ name: 'c', state, restartCount: 0, ...(state === 'terminated' ? { reason: phase === 'Succeeded' ? 'Completed' : 'Error', exitCode: phase === 'Succeeded' ? 0 : 1 } : {}) }],
    ...extra,
  };
}

export function job(at: number, conditions: JobObservation['conditions'] = [], extra: Partial<JobObservation> = {}): JobObservation {
  return { kind: 'Job', at, type: 'MODIFIED', name: 'j', active: 0, ready: 0, succeeded: 0, failed: 0, terminating: 0, completions: 5, parallelism: 1, conditions, ...extra };
}

/** Pods a, b, c one after another (sequential) or all at once (parallel). */
export function timelineOf(kind: 'sequential' | 'parallel'): Timeline {
  const t = new Timeline();
  const names = ['j-aaaaa', 'j-bbbbb', 'j-ccccc'];
  names.forEach((name, i) => {
    const start = kind === 'sequential' ? i * 1000 : 0;
    t.record({ ...pod(start, name, 'Pending', 'waiting'), type: 'ADDED' });
    t.record(pod(start + 100, name, 'Running'));
    t.record(pod(start + 900, name, 'Succeeded', 'terminated'));
  });
  t.observations.sort((a, b) => a.at - b.at);
  return t;
}

describe('Timeline', () => {
  it('counts each pod once, in order of first sighting, with its statuses', () => {
    const lives = timelineOf('sequential').lifetimes();
    expect(lives.map((p) => p.name)).to.deep.equal(['j-aaaaa', 'j-bbbbb', 'j-ccccc']);
    expect(lives[0]?.statuses).to.deep.equal(['Pending', 'Running', 'Completed']);
  });

  it('finds at most one active pod when pods run one after another, and no overlap', () => {
    const t = timelineOf('sequential');
    expect(t.maxConcurrentActive().count).to.equal(1);
    expect(t.overlaps()).to.deep.equal([]);
  });

  it('finds three active pods and two overlaps when they run at once', () => {
    const t = timelineOf('parallel');
    expect(t.maxConcurrentActive().count).to.equal(3);
    expect(t.overlaps().map((o) => o.later.name)).to.deep.equal(['j-bbbbb', 'j-ccccc']);
  });

  it('does not count a deleted pod as active', () => {
    const t = new Timeline();
    t.record({ ...pod(0, 'j-aaaaa', 'Running'), type: 'ADDED' });
    t.record({ ...pod(500, 'j-aaaaa', 'Running'), type: 'DELETED' });
    t.record({ ...pod(600, 'j-bbbbb', 'Running'), type: 'ADDED' });
    expect(t.maxConcurrentActive().count).to.equal(1);
    expect(t.lifetimes()[0]?.deletedAt).to.equal(500);
  });

  it('reports the first time a condition (with reason) became True', () => {
    const t = new Timeline();
    t.record(job(100));
    t.record(job(2000, [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }]));
    t.record(job(2500, [{ type: 'FailureTarget', status: 'True', reason: 'DeadlineExceeded' }, { type: 'Failed', status: 'True', reason: 'DeadlineExceeded' }]));
    expect(t.firstCondition('Failed', 'DeadlineExceeded')?.at).to.equal(2500);
    expect(t.firstCondition('FailureTarget')?.at).to.equal(2000);
    expect(t.firstCondition('Failed', 'BackoffLimitExceeded')).to.equal(undefined);
  });

  it('keeps only one Job and its pods with forJob()', () => {
    const t = timelineOf('sequential');
    t.record({ ...pod(0, 'jj-zzzzz', 'Running'), type: 'ADDED' });
    t.record(job(0, [], { name: 'jj' }));
    expect(t.forJob('j').lifetimes()).to.have.length(3);
    expect(t.forJob('jj').lifetimes().map((p) => p.name)).to.deep.equal(['jj-zzzzz']);
  });
});
