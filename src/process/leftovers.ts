// A harness killed with SIGKILL cannot clean up after itself: its sandboxes' cgroups and runtime
// folders, the lessons' scratch directories and a kind node's kubeconfig folder stay (the sandbox
// processes do not: --die-with-parent). Each of these names carries the pid of the harness that
// made it, so the next run can remove those whose owner is gone — and never one of a run that is
// still going.
import { readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { removeCgroupDir } from '../sandbox/cgroup.ts';

const cgroupRoot = '/sys/fs/cgroup';

/** Names made by this process: `<prefix><pid>-<rest>`. */
export const ownedName = (prefix: string, rest = ''): string => `${prefix}${process.pid}-${rest}`;

/** The patterns of every owned name, the owner's pid in the first group. */
const patterns = {
  /** src/sandbox/cgroup.ts, under each v1 controller or the v2 root. */
  cgroup: /^lesson-harness-sandbox-(\d+)-\d+$/,
  /** The sandbox's runtime folder (passwd, kubectl, the API socket) in os.tmpdir(). */
  runtime: /^lh-sandbox-(\d+)-/,
  /** A lesson run's scratch directory (HOME and working directory) in os.tmpdir(). */
  scratch: /^lesson-(\d+)-/,
  /** The kind provider's folder of the node's admin kubeconfig, in os.tmpdir(). */
  kind: /^kind-(\d+)-/,
};

/** True while a process with this pid exists (EPERM: it exists, as another user's). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const deadOwner = (name: string, pattern: RegExp): boolean => {
  const pid = Number(pattern.exec(name)?.[1] ?? 0);
  return pid > 0 && pid !== process.pid && !processAlive(pid);
};

/** What runs that died left, as paths (cgroup directories and folders in os.tmpdir()). */
export async function deadRunLeftovers(tmp = os.tmpdir()): Promise<string[]> {
  const found: string[] = [];
  const controllers = await readdir(cgroupRoot).catch(() => [] as string[]);
  // v1: one directory per controller; v2: the sandbox's cgroup sits at the root itself.
  for (const dir of [cgroupRoot, ...controllers.map((c) => path.join(cgroupRoot, c))]) {
    for (const name of await readdir(dir).catch(() => [] as string[])) if (deadOwner(name, patterns.cgroup)) found.push(path.join(dir, name));
  }
  for (const name of await readdir(tmp).catch(() => [] as string[])) {
    if ([patterns.runtime, patterns.scratch, patterns.kind].some((pattern) => deadOwner(name, pattern))) found.push(path.join(tmp, name));
  }
  return found;
}

/** Removes what runs that died left; returns what it removed. Each run does it before its first sandbox or kind node. */
export async function sweepDeadRuns(tmp = os.tmpdir()): Promise<string[]> {
  const found = await deadRunLeftovers(tmp);
  for (const p of found) {
    if (p.startsWith(`${cgroupRoot}/`)) await removeCgroupDir(p);
    else await rm(p, { recursive: true, force: true });
  }
  return found;
}
