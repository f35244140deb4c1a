// A memory and pids cgroup per sandbox, on cgroup v2 (unified) or v1 (one directory per controller,
// as on this host). The memory bound is the one limit no rlimit can give: RLIMIT_AS is per process,
// and Go's kubectl reserves far more address space than it uses.
import { access, mkdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = '/sys/fs/cgroup';

export interface SandboxCgroup {
  /** `cgroup.procs` files a process writes its pid into to join (one per v1 controller). */
  readonly procsFiles: string[];
  /** How many times the kernel's OOM killer acted in this cgroup so far. */
  oomKills(): Promise<number>;
  /** Kills whatever is left in the cgroup and removes it. */
  remove(): Promise<void>;
}

const exists = (p: string): Promise<boolean> => access(p).then(() => true, () => false);

/** Creates the cgroup, or says why it cannot (then the caller falls back to rlimits). */
export async function createCgroup(name: string, limits: { memoryBytes: number; pids: number }): Promise<SandboxCgroup | { unavailable: string }> {
  try {
    if (await exists(path.join(root, 'cgroup.controllers'))) return await createV2(name, limits);
    return await createV1(name, limits);
  } catch (error) {
    return { unavailable: (error as Error).message };
  }
}

async function createV2(name: string, limits: { memoryBytes: number; pids: number }): Promise<SandboxCgroup> {
  const dir = path.join(root, name);
  await mkdir(dir);
  try {
    // Fails (ENOENT) where the parent does not delegate memory and pids to its children.
    await writeFile(path.join(dir, 'memory.max'), String(limits.memoryBytes));
    await writeFile(path.join(dir, 'memory.swap.max'), '0').catch(() => undefined); // absent without swap accounting
    await writeFile(path.join(dir, 'pids.max'), String(limits.pids));
  } catch (error) {
    await rmdir(dir).catch(() => undefined);
    throw error;
  }
  return {
    procsFiles: [path.join(dir, 'cgroup.procs')],
    oomKills: async () => Number(/oom_kill (\d+)/.exec(await readFile(path.join(dir, 'memory.events'), 'utf8').catch(() => ''))?.[1] ?? 0),
    remove: async () => {
      await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined);
      await removeWhenEmpty(dir);
    },
  };
}

async function createV1(name: string, limits: { memoryBytes: number; pids: number }): Promise<SandboxCgroup> {
  const memory = path.join(root, 'memory', name);
  const pids = path.join(root, 'pids', name);
  await mkdir(memory);
  try {
    await mkdir(pids);
  } catch (error) {
    await rmdir(memory);
    throw error;
  }
  try {
    await writeFile(path.join(memory, 'memory.limit_in_bytes'), String(limits.memoryBytes));
    // With swap accounting, memsw bounds memory+swap; without it the file is absent and swap is off anyway.
    await writeFile(path.join(memory, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes)).catch(() => undefined);
    await writeFile(path.join(pids, 'pids.max'), String(limits.pids));
  } catch (error) {
    for (const dir of [memory, pids]) await rmdir(dir).catch(() => undefined);
    throw error;
  }
  return {
    procsFiles: [path.join(memory, 'cgroup.procs'), path.join(pids, 'cgroup.procs')],
    oomKills: async () => Number(/oom_kill (\d+)/.exec(await readFile(path.join(memory, 'memory.oom_control'), 'utf8').catch(() => ''))?.[1] ?? 0),
    remove: async () => {
      for (const dir of [memory, pids]) await killAll(dir);
      await removeWhenEmpty(memory);
      await removeWhenEmpty(pids);
    },
  };
}

async function killAll(dir: string): Promise<void> {
  const procs = await readFile(path.join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
  for (const pid of procs.split('\n').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Kills what is left in a cgroup directory (v1 or v2) and removes it: for one that a run which died left. */
export async function removeCgroupDir(dir: string): Promise<void> {
  await writeFile(path.join(dir, 'cgroup.kill'), '1').catch(() => undefined); // v2; absent on v1
  await killAll(dir);
  await removeWhenEmpty(dir);
}

// A cgroup can only be removed once its last process has been reaped, which takes a moment after SIGKILL.
async function removeWhenEmpty(dir: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      await rmdir(dir);
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      await killAll(dir);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
