// The lock between processes that guards the stand-in image cache (src/process/file-lock.ts).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { withFileLock } from '../../src/process/file-lock.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('withFileLock', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'file-lock-spec-')); });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('runs one holder at a time; the second is told it waits, and runs once the first ended', async () => {
    const file = path.join(dir, 'lock');
    const events: string[] = [];
    const first = withFileLock(file, () => events.push('first waited'), async () => {
      events.push('first in');
      await sleep(800);
      events.push('first out');
    });
    await sleep(100);
    const second = withFileLock(file, () => events.push('second waits'), async () => { events.push('second in'); });
    await Promise.all([first, second]);
    expect(events).to.deep.equal(['first in', 'second waits', 'first out', 'second in']);
  });

  it('releases the lock when the work throws', async () => {
    const file = path.join(dir, 'lock');
    const error = await withFileLock(file, () => undefined, async () => { throw new Error('boom'); }).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal('boom');
    let waited = false;
    await withFileLock(file, () => { waited = true; }, async () => undefined);
    expect(waited).to.equal(false);
  });

  it('is free at once when the process holding it was SIGKILLed (no stale lock)', async function () {
    this.timeout(30_000);
    const file = path.join(dir, 'lock');
    const script = `import { withFileLock } from ${JSON.stringify(path.resolve('src/process/file-lock.ts'))};
      await withFileLock(${JSON.stringify(file)}, () => {}, () => { console.log('holding'); return new Promise(() => {}); });`;
    const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('holding')) resolve(); }));
    holder.kill('SIGKILL');
    const started = Date.now();
    await withFileLock(file, () => undefined, async () => undefined);
    // The holder's `cat` reads end of file once its parent is gone, and ends: the lock goes with it.
    expect(Date.now() - started, 'ms until the lock was free').to.be.lessThan(3_000);
  });
});
