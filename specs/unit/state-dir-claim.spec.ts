// The local cluster's state directory: refused when it is not the harness's, held by one run at a time.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { claimStateDir, heldByLiveRun, STATE_MARKER } from '../../src/cluster-providers/local/state-dir-claim.ts';

describe('local state directory claim', () => {
  let base: string;
  const quiet = (): void => undefined;
  beforeEach(async () => { base = await mkdtemp(path.join(os.tmpdir(), 'claim-spec-')); });
  afterEach(() => rm(base, { recursive: true, force: true }));

  it('refuses a directory with files and no harness marker (a home, /var/lib), naming it and the fix', async () => {
    const dir = path.join(base, 'home');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine');
    const error = await claimStateDir(dir, quiet, 0).then(() => undefined, (e: Error & { fix?: string }) => e);
    expect(error?.message).to.match(/home is not a lesson-harness state directory/);
    expect(error?.fix).to.match(/LESSON_HARNESS_LOCAL_DIR/);
  });

  it('claims a new directory, marks it, and releases the lock', async () => {
    const dir = path.join(base, 'local');
    const release = await claimStateDir(dir, quiet, 0);
    expect(await readFile(path.join(dir, STATE_MARKER), 'utf8')).to.match(/lesson-harness/);
    expect((await readFile(`${dir}.lock`, 'utf8')).trim()).to.equal(String(process.pid));
    await release();
    await claimStateDir(dir, quiet, 0).then((r) => r());
  });

  it('makes a second run wait for a live one, with a message, and gives up after the wait', async () => {
    const dir = path.join(base, 'local');
    await mkdir(dir);
    await writeFile(path.join(dir, STATE_MARKER), '');
    await writeFile(`${dir}.lock`, `${process.ppid}\n`);
    const lines: string[] = [];
    const error = await claimStateDir(dir, (l) => lines.push(l), 100).then(() => undefined, (e: Error) => e);
    expect(lines.join('\n')).to.match(new RegExp(`another run \\(pid ${process.ppid}\\) uses .*waiting`));
    expect(error?.message).to.match(/another run \(pid \d+\) still uses the local cluster/);
  });

  it('with skipIfBusy, answers at once that a live run holds it (the caller moves on to the next location)', async () => {
    const dir = path.join(base, 'local');
    await mkdir(dir);
    await writeFile(path.join(dir, STATE_MARKER), '');
    await writeFile(`${dir}.lock`, `${process.ppid}\n`);
    const lines: string[] = [];
    const started = Date.now();
    expect(await claimStateDir(dir, (l) => lines.push(l), 60_000, [], undefined, { skipIfBusy: true })).to.equal(undefined);
    expect(Date.now() - started, 'no wait').to.be.lessThan(1_000);
    expect(lines, 'no "waiting" message').to.deep.equal([]);
    expect(await heldByLiveRun(dir)).to.equal(true);
    expect((await readFile(`${dir}.lock`, 'utf8')).trim(), 'the other run keeps its lock').to.equal(String(process.ppid));
  });

  it('with skipIfBusy, still takes a free directory or a dead run\'s', async () => {
    const dir = path.join(base, 'local');
    await mkdir(dir);
    await writeFile(`${dir}.lock`, '2147483646\n');
    expect(await heldByLiveRun(dir)).to.equal(false);
    const release = await claimStateDir(dir, quiet, 0, [], undefined, { skipIfBusy: true });
    expect(release).to.be.a('function');
    expect(await heldByLiveRun(dir)).to.equal(true);
    await release?.();
    expect(await heldByLiveRun(dir)).to.equal(false);
  });

  it('takes over the lock of a run that died', async () => {
    const dir = path.join(base, 'local');
    await mkdir(dir);
    await writeFile(`${dir}.lock`, '2147483646\n');
    const release = await claimStateDir(dir, quiet, 0);
    expect((await readFile(`${dir}.lock`, 'utf8')).trim()).to.equal(String(process.pid));
    await release();
  });
});

describe('local state directory claim, from an earlier version', () => {
  it('accepts a directory holding only the names the layout makes (no marker yet)', async () => {
    const base = await mkdtemp(path.join(os.tmpdir(), 'claim-spec-'));
    const dir = path.join(base, 'local');
    await mkdir(path.join(dir, 'logs'), { recursive: true });
    const release = await claimStateDir(dir, () => undefined, 0, ['logs', 'pki']);
    await release();
    await rm(base, { recursive: true, force: true });
  });
});
