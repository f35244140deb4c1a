// The gate that keeps a lesson naming namespaces alone on the cluster, whoever verifies lessons
// side by side in one process (a course run, the test suites).
import { expect } from 'chai';
import { LessonGate, type LessonTurn } from '../../src/verify/lesson-gate.ts';

/** Runs the turns in order of arrival; each holds the gate until released. Returns who ran with whom. */
function harness(gate: LessonGate) {
  const active = new Set<string>();
  const seenWith: Record<string, string[]> = {};
  const release: Record<string, () => void> = {};
  const done: Promise<void>[] = [];
  const arrive = (name: string, turn: LessonTurn): void => {
    done.push(gate.run(turn, () => new Promise<void>((resolve) => {
      for (const other of active) (seenWith[other] ??= []).push(name);
      seenWith[name] = [...active];
      active.add(name);
      release[name] = () => { active.delete(name); resolve(); };
    })));
  };
  const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
  return { arrive, release, active, seenWith, tick, all: () => Promise.all(done) };
}

describe('LessonGate', () => {
  it('lets lessons that name no namespace run together', async () => {
    const h = harness(new LessonGate());
    h.arrive('a', 'together');
    h.arrive('b', 'together');
    await h.tick();
    expect([...h.active].sort()).to.deep.equal(['a', 'b']);
    h.release.a?.();
    h.release.b?.();
    await h.all();
  });

  it('runs a lesson naming namespaces alone: after those already running, before those arriving later', async () => {
    const h = harness(new LessonGate());
    h.arrive('a', 'together');
    h.arrive('shop', 'alone');
    h.arrive('b', 'together');
    await h.tick();
    expect([...h.active], 'shop waits for a; b waits behind shop').to.deep.equal(['a']);
    h.release.a?.();
    await h.tick();
    expect([...h.active]).to.deep.equal(['shop']);
    h.release.shop?.();
    await h.tick();
    expect([...h.active]).to.deep.equal(['b']);
    h.release.b?.();
    await h.all();
    expect(h.seenWith.shop, 'nothing ran beside the lesson naming namespaces').to.deep.equal([]);
  });

  it('opens again after a lesson fails', async () => {
    const gate = new LessonGate();
    await gate.run('alone', () => Promise.reject(new Error('boom'))).catch(() => undefined);
    expect(await gate.run('together', () => Promise.resolve('ran'))).to.equal('ran');
  });
});
