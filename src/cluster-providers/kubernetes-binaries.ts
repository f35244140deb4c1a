// The pinned Kubernetes builds (scripts/build-kubernetes.sh, one per version), shared by the local provider (it runs
// the components) and the kind provider (kubeadm, kubelet and kubectl in its node image); and the
// pinned CoreDNS build (scripts/build-coredns.sh), which the local provider runs.
import { mkdir, readlink, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { singleKubernetesVersion } from '../config/kubernetes-versions.ts';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** Runs one of the build scripts (cached builds print at once) and returns the binary it printed last. */
async function runBuild(script: string, what: string, log: (line: string) => void, args: string[] = []): Promise<string> {
  const build = execa('bash', [path.join(projectRoot, 'scripts', script), ...args], { stderr: 'pipe', reject: false });
  build.stderr?.on('data', (chunk: Buffer) => { for (const line of chunk.toString().trimEnd().split('\n')) log(`  ${line}`); });
  const result = await build;
  if (result.exitCode !== 0) throw new HarnessError(`building ${what} failed (output above, scripts/${script})`, { fix: 'fix the cause named above and run again; the build resumes from Go\'s cache' });
  return String(result.stdout).trim().split('\n').pop() ?? '';
}

/** The pinned containerd 2 (scripts/build-containerd.sh): the directory holding containerd, its runc shim and ctr. */
export function ensureContainerdBinaries(log: (line: string) => void, version: string): Promise<string> {
  return runBuild('build-containerd.sh', `containerd ${version}`, log, [version]);
}

/** The pinned CoreDNS (scripts/build-coredns.sh), the local cluster's DNS server. */
export function ensureCoreDnsBinary(log: (line: string) => void): Promise<string> {
  return runBuild('build-coredns.sh', 'CoreDNS', log);
}

/**
 * Ensures the Kubernetes binary of `version` (default: LESSON_HARNESS_KUBERNETES, else the pinned
 * default) is built (cached per version) and returns the directory of its component links.
 */
export async function ensureKubernetesBinaries(log: (line: string) => void, version: string = singleKubernetesVersion()): Promise<string> {
  const binary = await runBuild('build-kubernetes.sh', `Kubernetes ${version}`, log, [version]);
  const binDir = path.join(path.dirname(binary), 'bin');
  await mkdir(binDir, { recursive: true });
  // Relative links (`../kube`), checked every time: a cache copied or moved elsewhere keeps working,
  // and a link that points anywhere else (an older absolute one) is made again.
  const target = path.relative(binDir, binary);
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubelet', 'kubectl', 'kubeadm']) {
    const link = path.join(binDir, name);
    if (await readlink(link).catch(() => undefined) === target) continue;
    await rm(link, { force: true });
    await symlink(target, link);
  }
  return binDir;
}
