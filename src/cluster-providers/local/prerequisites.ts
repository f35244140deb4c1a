// Checks what the local cluster needs from the host before anything starts, and says exactly
// what is missing and how to get it: one clear error instead of a component dying later.
import { access, readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import { HarnessError } from '../../errors/harness-error.ts';
import type { LocalLayout, LocalPorts } from './layout.ts';

export interface HostFacts {
  platform: NodeJS.Platform;
  uid: number | undefined;
}

const tools: [string, string][] = [
  ['/usr/bin/containerd', 'containerd'], ['/usr/sbin/runc', 'runc'], ['/usr/bin/containerd-shim-runc-v2', 'containerd'],
  ['/usr/lib/cni/bridge', 'containernetworking-plugins'], ['/usr/bin/openssl', 'openssl'],
  // The stand-in images: apt-get and dpkg-deb unpack Debian packages, gcc builds pause.
  ['/usr/bin/apt-get', 'apt'], ['/usr/bin/dpkg-deb', 'dpkg'], ['/usr/share/base-passwd/passwd.master', 'base-passwd'], ['/usr/bin/gcc', 'gcc'],
  // The cluster's network namespace, its bridge, kube-proxy's Service rules and the API forwarders.
  ['/sbin/ip', 'iproute2'], ['/usr/sbin/iptables', 'iptables'], ['/usr/sbin/iptables-restore', 'iptables'], ['/usr/bin/nsenter', 'util-linux'],
  ['/usr/bin/socat', 'socat'],
];

const cgroupV1Controllers = ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids'];

export function checkPlatform(host: HostFacts = { platform: process.platform, uid: process.getuid?.() }): void {
  if (host.platform !== 'linux') {
    throw new HarnessError(`the local cluster runs Linux components on the host, and this host is ${host.platform}`, {
      fix: 'use the kind provider (LESSON_HARNESS_PROVIDER=kind, needs Docker) or an existing cluster (LESSON_HARNESS_KUBECONFIG=path)',
    });
  }
  if (host.uid !== 0) {
    throw new HarnessError(`the local cluster needs root (it mounts filesystems and creates cgroups and network interfaces); running as uid ${host.uid}`, {
      fix: 'run as root (sudo -E npm test), or use LESSON_HARNESS_PROVIDER=kind or LESSON_HARNESS_KUBECONFIG=path',
    });
  }
}

export async function checkTools(list: [string, string][] = tools): Promise<void> {
  const missing: string[] = [];
  for (const [file, pkg] of list) {
    if (!(await access(file).then(() => true, () => false))) missing.push(`${file} (Debian package ${pkg})`);
  }
  if (missing.length) {
    throw new HarnessError(`the local cluster needs host programs that are missing: ${missing.join(', ')}`, {
      fix: 'run `bash scripts/setup.sh` (installs them with apt-get)',
    });
  }
}

export async function checkCgroups(root = '/sys/fs/cgroup'): Promise<'v1' | 'v2'> {
  const isV2 = await access(`${root}/cgroup.controllers`).then(() => true, () => false);
  if (isV2) return 'v2';
  const present = new Set(await readdir(root).catch(() => [] as string[]));
  const missing = cgroupV1Controllers.filter((c) => !present.has(c));
  if (missing.length) {
    throw new HarnessError(`the kubelet needs the cgroup controllers ${cgroupV1Controllers.join(', ')}; missing under ${root}: ${missing.join(', ')}`, {
      fix: 'mount them (for example `mount -t cgroup -o memory cgroup /sys/fs/cgroup/memory`) or boot with cgroup v2',
    });
  }
  return 'v1';
}

export async function checkKmsg(): Promise<void> {
  if (!(await stat('/dev/kmsg').then(() => true, () => false))) {
    throw new HarnessError('the kubelet opens /dev/kmsg (its OOM watcher) and it does not exist', { fix: 'run on a host or VM with /dev/kmsg, or use the kind or kubeconfig provider' });
  }
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function checkPorts(ports: Partial<LocalPorts>): Promise<void> {
  const taken: string[] = [];
  for (const [component, port] of Object.entries(ports)) if (port !== undefined && !(await portFree(port))) taken.push(`${port} (${component})`);
  if (taken.length) {
    throw new HarnessError(`loopback port(s) already taken: ${taken.join(', ')}`, {
      fix: `stop what listens there (\`ss -ltnp | grep ${taken[0]?.split(' ')[0]}\`; a cluster of ours is stopped by \`npm run cluster:down\`), or move the cluster with LESSON_HARNESS_PORT_BASE=<port>`,
    });
  }
}

export function checkStateDir(l: LocalLayout): void {
  // Teardown deletes below this directory: refuse anything that could be a system directory.
  if (!l.root.startsWith('/') || l.root.split('/').filter(Boolean).length < 2) {
    throw new HarnessError(`LESSON_HARNESS_LOCAL_DIR must be an absolute path at least two levels deep, got \`${l.root}\``, {
      fix: 'use a dedicated directory such as /var/lib/lesson-harness/local',
    });
  }
}
