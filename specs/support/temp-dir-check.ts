// Root hooks for a suite that must leave nothing in the temporary directory (a kind run used to
// leave its /tmp/kind-* kubeconfig, the provider specs empty folders). The suite runs with a TMPDIR
// of its own — so that other work on the machine, which writes to /tmp meanwhile, does not count —
// listed before the first test and after the last; anything new there fails the suite.
import { chmod, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * Not leftovers: files of the same name that every run reuses — the compile caches of tsx
 * (tsx-<uid>) and of Node as npm turns it on, and testcontainers' empty lock file.
 */
const caches = /^tsx-\d+$|^node-compile-cache$|^testcontainers-node-\d+\.lock$/;

let dir: string | undefined;
let before: string[] = [];
const formerTmpdir = process.env.TMPDIR;

export const mochaHooks = {
  async beforeAll(): Promise<void> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'suite-tmp-'));
    await chmod(dir, 0o1777); // as /tmp: lesson sandboxes (other uids) reach their folders in it
    process.env.TMPDIR = dir;
    before = (await readdir(dir)).filter((name) => !caches.test(name));
    process.stderr.write(`temporary directory ${dir}, before the suite: ${before.join(', ') || '(empty)'}\n`);
  },
  async afterAll(): Promise<void> {
    if (!dir) return;
    const after = (await readdir(dir)).filter((name) => !caches.test(name));
    process.stderr.write(`temporary directory ${dir}, after the suite: ${after.join(', ') || '(empty)'}\n`);
    if (formerTmpdir === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = formerTmpdir;
    const left = after.filter((name) => !before.includes(name));
    // Kept when not empty, for whoever reads the failure.
    if (left.length === 0) await rm(dir, { recursive: true, force: true });
    if (left.length > 0) throw new Error(`the suite left ${left.length} entr${left.length === 1 ? 'y' : 'ies'} in its temporary directory ${dir}: ${left.join(', ')}`);
  },
};
