// npm run bench:versions [-- <spec>] — per Kubernetes version (default spec: supported; e.g.
// `-- 1.35,1.37` or `-- 1.34,supported`): the cold build time the build script recorded in the
// cache, the warm (cached) build check, and warm starts of the local cluster to node Ready and to
// a first pod Running (median of BENCH_STARTS, default 2). A version not built yet is built first
// (that build is the cold figure). Run it on an otherwise idle machine.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import { defaults } from '../src/config/defaults.ts';
import { projectRoot } from '../src/config/project-root.ts';
import { resolveKubernetesVersions } from '../src/config/kubernetes-versions.ts';
import { LocalClusterProvider } from '../src/cluster-providers/local/local-cluster-provider.ts';
import { waitForDefaultServiceAccount } from '../src/kube/readiness.ts';

const versions = resolveKubernetesVersions(process.argv[2] ?? 'supported');
const starts = Number(process.env.BENCH_STARTS ?? 2);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? NaN;
const progress = (line: string): void => { process.stderr.write(`${line}\n`); };

/** From pod creation until the kubelet reports it Running (polled: one pod, a coarse figure is enough). */
async function firstPodRunning(core: CoreV1Api): Promise<number> {
  const began = Date.now();
  const name = `bench-${began}`;
  await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'r.deso.tech/library/alpine', command: ['sleep', '3600'] }] } } });
  while ((await core.readNamespacedPod({ name, namespace: 'default' })).status?.phase !== 'Running') {
    if (Date.now() - began > defaults.timeouts.clusterStartMs) throw new Error(`pod ${name} not Running after ${seconds(Date.now() - began)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return Date.now() - began;
}

interface Row { version: string; cold: string; warm: number; ready: number[]; pod: number[]; failed: string[] }
const rows: Row[] = [];
for (const version of versions) {
  progress(`${version}: build (cold if not cached)…`);
  await execa('bash', [path.join(projectRoot, 'scripts/build-kubernetes.sh'), version], { stderr: 'inherit' });
  const warmBegan = Date.now();
  await execa('bash', [path.join(projectRoot, 'scripts/build-kubernetes.sh'), version]);
  const warm = Date.now() - warmBegan;
  const cold = (await readFile(path.join(defaults.cacheDir, 'kubernetes', version, 'build-seconds'), 'utf8').catch(() => '?')).trim();
  const provider = new LocalClusterProvider({ smokePod: false, kubernetesVersion: version });
  const row: Row = { version, cold, warm, ready: [], pod: [], failed: [] };
  for (let run = 1; run <= starts; run++) {
    progress(`${version}: start ${run}/${starts}…`);
    // A start that fails on a loaded machine is reported and counted, not allowed to end the comparison.
    try {
      const began = Date.now();
      const cluster = await provider.start({ log: () => undefined });
      row.ready.push(Date.now() - began);
      try {
        await waitForDefaultServiceAccount(cluster.kubeConfig, 'default', defaults.timeouts.clusterStartMs);
        row.pod.push(Date.now() - began + await firstPodRunning(cluster.kubeConfig.makeApiClient(CoreV1Api)));
      } finally {
        await cluster.stop();
      }
    } catch (error) {
      row.failed.push((error as Error).message.split('\n')[0] ?? '');
      progress(`${version}: start ${run} failed: ${row.failed.at(-1)}`);
    }
  }
  rows.push(row);
}

const cells = (values: string[]): string => `  ${values[0]?.padEnd(10)} ${values.slice(1).map((v) => v.padEnd(24)).join(' ')}`;
process.stdout.write(`\nKubernetes versions on the local provider (${os.cpus().length} cores, load ${os.loadavg()[0]?.toFixed(1)}, median of ${starts} warm starts)\n`);
process.stdout.write(`${cells(['version', 'last build (recorded)', 'warm build (cached)', 'start → node Ready', 'start → first pod Running'])}\n`);
for (const r of rows) {
  process.stdout.write(`${cells([r.version, `${r.cold} s`, seconds(r.warm), `${seconds(median(r.ready))} [${r.ready.map(seconds).join(', ')}]`, `${seconds(median(r.pod))} [${r.pod.map(seconds).join(', ')}]`])}${r.failed.length ? `  (${r.failed.length} failed: ${r.failed.join('; ')})` : ''}\n`);
}
