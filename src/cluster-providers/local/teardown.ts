// Removes everything a local cluster created — processes, mounts, cgroups, its network namespace
// (with the CNI bridge and kube-proxy's chains in it) and its state directory (logs kept) — whether it was stopped cleanly or left behind by a killed run.
// Everything is found from facts the kernel keeps (process command lines and cgroups, mountinfo),
// so the same code cleans a crashed run and a live one, and never touches what is not ours.
import { readdir, readFile, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { clusterNetnsExists, deleteClusterNetns, deleteHostBridge, hostBridgeExists } from './cluster-netns.ts';
import type { LocalLayout } from './layout.ts';
import { STATE_MARKER } from './state-dir-claim.ts';

const cgroupMount = '/sys/fs/cgroup';

async function readOr(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/** PIDs of processes that belong to the cluster: their command line names our state directory
 * (components, containerd shims) or they live in our cgroup root (the containers themselves). */
export async function clusterProcesses(l: LocalLayout): Promise<{ pid: number; command: string }[]> {
  const found: { pid: number; command: string }[] = [];
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => /^\d+$/.test(e)).map(async (e) => {
    const pid = Number(e);
    if (pid === process.pid) return;
    const cmdline = (await readOr(`/proc/${pid}/cmdline`)).replaceAll('\0', ' ').trim();
    const cgroups = await readOr(`/proc/${pid}/cgroup`);
    const inOurCgroup = cgroups.split('\n').some((line) => line.split(':')[2]?.startsWith(`${l.cgroupRoot}/`));
    // With the slash: /var/lib/x must not claim the processes of /var/lib/x-provider-test, a cluster of its own.
    if (cmdline.includes(`${l.root}/`) || inOurCgroup) found.push({ pid, command: cmdline.slice(0, 160) });
  }));
  return found;
}

export async function clusterMounts(l: LocalLayout): Promise<string[]> {
  const info = await readOr('/proc/self/mountinfo');
  const points = info.split('\n').map((line) => line.split(' ')[4]).filter((p): p is string => !!p)
    .map((p) => p.replace(/\\040/g, ' '));
  return points.filter((p) => p === l.root || p.startsWith(`${l.root}/`));
}

/** Our cgroup directories, deepest first (so that rmdir can remove them in this order). */
export async function clusterCgroups(l: LocalLayout): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const children = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const child of children) if (child.isDirectory()) await walk(path.join(dir, child.name));
    found.push(dir);
  };
  const controllers = await readdir(cgroupMount).catch(() => [] as string[]);
  for (const controller of controllers) {
    const ours = path.join(cgroupMount, controller, l.cgroupRoot);
    if ((await readdir(ours).catch(() => null)) !== null) await walk(ours);
  }
  return found;
}

export async function listLeftovers(l: LocalLayout): Promise<string[]> {
  const leftovers: string[] = [];
  for (const p of await clusterProcesses(l)) leftovers.push(`process ${p.pid}: ${p.command}`);
  for (const m of await clusterMounts(l)) leftovers.push(`mount ${m}`);
  for (const c of await clusterCgroups(l)) leftovers.push(`cgroup ${c}`);
  if (await clusterNetnsExists(l)) leftovers.push(`network namespace ${l.netns.name}`);
  if (await hostBridgeExists(l)) leftovers.push(`network interface ${l.cni.bridge} in the host's namespace (an earlier version's)`);
  const kept = new Set([path.basename(l.logs), STATE_MARKER]);
  const files = (await readdir(l.root).catch(() => [] as string[])).filter((f) => !kept.has(f));
  for (const f of files) leftovers.push(`file ${path.join(l.root, f)}`);
  return leftovers;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function teardown(l: LocalLayout, log: (line: string) => void = () => undefined): Promise<void> {
  // 1. Processes. Containers and shims get SIGKILL at once: nothing in them needs a graceful end.
  for (let attempt = 0; attempt < 20; attempt++) {
    const processes = await clusterProcesses(l);
    if (processes.length === 0) break;
    if (attempt === 0) log(`  stopping ${processes.length} leftover process(es)`);
    for (const p of processes) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await sleep(100);
  }
  // 2. Mounts, deepest first; lazily, since a dying shim may still hold one for a moment.
  const mounts = (await clusterMounts(l)).sort((a, b) => b.length - a.length);
  for (const m of mounts) await execa('umount', ['-l', m], { reject: false });
  // 3. cgroups: rmdir works once the processes are gone (retry while the kernel catches up).
  for (let attempt = 0; attempt < 20; attempt++) {
    const left: string[] = [];
    for (const dir of await clusterCgroups(l)) await rmdir(dir).catch(() => left.push(dir));
    if (left.length === 0) break;
    await sleep(100);
  }
  // 4. The network namespace: its bridge, veths and iptables chains go with it.
  await deleteClusterNetns(l);
  await deleteHostBridge(l);
  // 5. Files, keeping the logs of the last run for whoever has to read them.
  const entries = await readdir(l.root).catch(() => [] as string[]);
  await Promise.all(entries.filter((e) => e !== path.basename(l.logs) && e !== STATE_MARKER)
    .map((e) => rm(path.join(l.root, e), { recursive: true, force: true, maxRetries: 3 })));
}
