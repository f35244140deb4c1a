// A local cluster's state directory belongs to one run at a time, and only to the harness:
// - a directory that exists, is not empty and carries no harness marker (`/var/lib`, a home, a
//   project) is refused, since teardown kills what its processes name and deletes below it;
// - a second run on the same directory waits for the first (its lock file names a live pid) and
//   says how to run side by side instead — or, for the default location, moves on to the next
//   free one (local-cluster-provider.ts); a lock of a dead run is taken over (teardown then
//   removes what that run left).
import { mkdir, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../../errors/harness-error.ts';
import { processAlive } from '../../process/leftovers.ts';

export const STATE_MARKER = '.lesson-harness-state';
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Claims `root` for this process; returns the release. Waits up to `waitMs` for another live run.
 * `layoutEntries` are the names the harness itself makes in it (a directory of an earlier version,
 * with no marker yet, holds only those).
 */
export async function claimStateDir(root: string, log: (line: string) => void, waitMs: number, layoutEntries?: readonly string[], signal?: AbortSignal): Promise<() => Promise<void>>;
/** With `{ skipIfBusy: true }`: undefined at once when a live run holds `root`, instead of waiting. */
export async function claimStateDir(root: string, log: (line: string) => void, waitMs: number, layoutEntries: readonly string[], signal: AbortSignal | undefined, options: { skipIfBusy: true }): Promise<(() => Promise<void>) | undefined>;
export async function claimStateDir(root: string, log: (line: string) => void, waitMs: number, layoutEntries: readonly string[] = [], signal?: AbortSignal, options: { skipIfBusy?: boolean } = {}): Promise<(() => Promise<void>) | undefined> {
  const entries = await readdir(root).catch(() => undefined);
  const ours = entries?.includes(STATE_MARKER) || entries?.every((e) => layoutEntries.includes(e) || e.startsWith('.lesson-harness'));
  if (entries && entries.length > 0 && !ours) {
    throw new HarnessError(`${root} is not a lesson-harness state directory (it has files and no ${STATE_MARKER}); teardown would delete below it`, {
      fix: 'point LESSON_HARNESS_LOCAL_DIR at a new or empty directory, e.g. /var/lib/lesson-harness/local',
    });
  }
  await mkdir(root, { recursive: true, mode: 0o700 });
  await writeFile(path.join(root, STATE_MARKER), 'This directory is a lesson-harness local cluster\'s state; teardown empties it.\n');
  const lock = lockFile(root);
  const deadline = Date.now() + waitMs;
  let told = false;
  for (;;) {
    try {
      await writeFile(lock, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = await lockOwner(root);
    if (owner === undefined || !processAlive(owner)) {
      await unlink(lock).catch(() => undefined);
      continue;
    }
    if (options.skipIfBusy) return undefined;
    if (signal?.aborted) throw new HarnessError(`stopped while waiting for another run (pid ${owner}) to finish with ${root}`);
    if (Date.now() > deadline) {
      throw new HarnessError(`another run (pid ${owner}) still uses the local cluster in ${root}`, {
        fix: 'wait for it, or run side by side with another LESSON_HARNESS_LOCAL_DIR and LESSON_HARNESS_PORT_BASE',
      });
    }
    if (!told) log(`  another run (pid ${owner}) uses ${root}; waiting for it (to run side by side, set LESSON_HARNESS_LOCAL_DIR and LESSON_HARNESS_PORT_BASE)…`);
    told = true;
    await sleep(2_000);
  }
  return async () => {
    if ((await lockOwner(root)) === process.pid) await unlink(lock).catch(() => undefined);
  };
}

/** Beside the directory, not in it: teardown empties the directory. */
const lockFile = (root: string): string => `${root}.lock`;

/** The pid `root`'s lock names, if it names one. */
async function lockOwner(root: string): Promise<number | undefined> {
  const owner = Number((await readFile(lockFile(root), 'utf8').catch(() => '')).trim());
  return Number.isInteger(owner) && owner > 0 ? owner : undefined;
}

/** True while a live run holds `root` (its lock names a live pid). */
export async function heldByLiveRun(root: string): Promise<boolean> {
  const owner = await lockOwner(root);
  return owner !== undefined && processAlive(owner);
}

/** Makes `root`'s lock name `pid` (a process of a cluster that outlives the run that claimed it). */
export async function handOverStateDir(root: string, pid: number): Promise<void> {
  await writeFile(lockFile(root), `${pid}\n`, { mode: 0o600 });
}
