// What a person needs when an exercise fails: events, pod logs and describe output of the
// namespace, written to one file next to the reports.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';

export async function podLogs(kubeConfig: KubeConfig, namespace: string, pod: string, previous = false): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return core.readNamespacedPodLog({ name: pod, namespace, previous }).catch((e: unknown) => `(no log: ${(e as Error).message})`);
}

export async function collectDiagnostics(opts: { kubeConfig: KubeConfig; kubeconfigPath: string; kubectlDir?: string; namespace: string; dir: string }): Promise<string> {
  const core = opts.kubeConfig.makeApiClient(CoreV1Api);
  const sections: string[] = [];
  const events = await core.listNamespacedEvent({ namespace: opts.namespace }).catch(() => undefined);
  sections.push('## Events', ...(events?.items ?? [])
    .sort((a, b) => String(a.lastTimestamp ?? a.eventTime).localeCompare(String(b.lastTimestamp ?? b.eventTime)))
    .map((e) => `${e.lastTimestamp?.toISOString?.() ?? ''} ${e.type} ${e.reason} ${e.involvedObject.kind}/${e.involvedObject.name}: ${e.message}`));
  const pods = await core.listNamespacedPod({ namespace: opts.namespace }).catch(() => undefined);
  for (const pod of pods?.items ?? []) {
    const name = pod.metadata?.name ?? '';
    sections.push(`## Logs of ${name}`, await podLogs(opts.kubeConfig, opts.namespace, name));
  }
  const kubectl = opts.kubectlDir ? path.join(opts.kubectlDir, 'kubectl') : 'kubectl';
  const describe = await execa(kubectl, ['--kubeconfig', opts.kubeconfigPath, '-n', opts.namespace, 'describe', 'jobs,pods'], { reject: false, timeout: 20_000 });
  sections.push('## kubectl describe jobs,pods', String(describe.stdout || describe.stderr));
  await mkdir(opts.dir, { recursive: true });
  const file = path.join(opts.dir, `${opts.namespace}.txt`);
  await writeFile(file, `${sections.join('\n')}\n`);
  return file;
}
