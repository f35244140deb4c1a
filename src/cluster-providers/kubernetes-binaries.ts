// The pinned Kubernetes build (scripts/build-kubernetes.sh), shared by the local provider (it runs
// the components) and the kind provider (kubeadm, kubelet and kubectl in its node image); and the
// pinned CoreDNS build (scripts/build-coredns.sh), which the local provider runs.
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** Runs one of the build scripts (cached builds print at once) and returns the binary it printed last. */
async function runBuild(script: string, what: string, log: (line: string) => void): Promise<string> {
  const build = execa('bash', [path.join(projectRoot, 'scripts', script)], { stderr: 'pipe', reject: false });
  build.stderr?.on('data', (chunk: Buffer) => { for (const line of chunk.toString().trimEnd().split('\n')) log(`  ${line}`); });
  const result = await build;
  if (result.exitCode !== 0) throw new HarnessError(`building ${what} failed (output above, scripts/${script})`, { fix: 'fix the cause named above and run again; the build resumes from Go\'s cache' });
  return String(result.stdout).trim().split('\n').pop() ?? '';
}

/** The pinned CoreDNS (scripts/build-coredns.sh), the local cluster's DNS server. */
export function ensureCoreDnsBinary(log: (line: string) => void): Promise<string> {
  return runBuild('build-coredns.sh', 'CoreDNS', log);
}

/** Ensures the Kubernetes binary is built (cached) and returns the directory of its component links. */
export async function ensureKubernetesBinaries(log: (line: string) => void): Promise<string> {
  const binary = await runBuild('build-kubernetes.sh', 'Kubernetes', log);
  const binDir = path.join(path.dirname(binary), 'bin');
  await mkdir(binDir, { recursive: true });
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kube-proxy', 'kubelet', 'kubectl', 'kubeadm']) {
    await symlink(binary, path.join(binDir, name)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  }
  return binDir;
}
