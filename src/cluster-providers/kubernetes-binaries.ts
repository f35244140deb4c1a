// The pinned Kubernetes build (scripts/build-kubernetes.sh), shared by the local provider (it runs
// the components) and the kind provider (kubeadm, kubelet and kubectl in its node image).
import { mkdir, symlink } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';

/** Ensures the Kubernetes binary is built (cached) and returns the directory of its component links. */
export async function ensureKubernetesBinaries(log: (line: string) => void): Promise<string> {
  const build = execa('bash', [path.join(projectRoot, 'scripts', 'build-kubernetes.sh')], { stderr: 'pipe', reject: false });
  build.stderr?.on('data', (chunk: Buffer) => { for (const line of chunk.toString().trimEnd().split('\n')) log(`  ${line}`); });
  const result = await build;
  if (result.exitCode !== 0) throw new HarnessError('building Kubernetes failed (output above)', { fix: 'fix the cause named above and run again; the build resumes from Go\'s cache' });
  const binary = String(result.stdout).trim().split('\n').pop() ?? '';
  const binDir = path.join(path.dirname(binary), 'bin');
  await mkdir(binDir, { recursive: true });
  for (const name of ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kubectl', 'kubeadm']) {
    await symlink(binary, path.join(binDir, name)).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  }
  return binDir;
}
