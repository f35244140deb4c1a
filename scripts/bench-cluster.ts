// npm run bench:cluster — figures of the embedded local cluster on this machine:
// build time (cold, as recorded by the build; --cold rebuilds from scratch), warm start to node
// Ready, start() with its smoke pod, a pod in a new lesson namespace Running (with a step-by-step
// breakdown from component logs, scripts/start-breakdown.ts), pod created→Running p50/p95 over 20 pods, peak RSS of all cluster
// processes, teardown time and leftovers; then the same start figures for the kind provider, side
// by side (BENCH_KIND=0 skips it). Run it on an otherwise idle machine.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { waitForDefaultServiceAccount } from '../src/kube/readiness.ts';
import { createNamespace } from '../src/kube/namespace.ts';
import { defaults } from '../src/config/defaults.ts';
import { LocalClusterProvider } from '../src/cluster-providers/local/local-cluster-provider.ts';
import { KindClusterProvider } from '../src/cluster-providers/kind/kind-cluster-provider.ts';
import { clusterProcesses, listLeftovers } from '../src/cluster-providers/local/teardown.ts';
import { projectRoot } from '../src/config/project-root.ts';
import { formatBreakdown, logMilestones, stepRecorder, watchReadiness, type Milestone } from './start-breakdown.ts';
import { singleKubernetesVersion } from '../src/config/kubernetes-versions.ts';

const starts = Number(process.env.BENCH_STARTS ?? 3);
const podCount = Number(process.env.BENCH_PODS ?? 20);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};
const median = (values: number[]): number => percentile(values, 50);

// LESSON_HARNESS_KUBERNETES picks the version (default: the pinned default); npm run bench:versions compares them.
const version = singleKubernetesVersion();

async function coldBuildSeconds(): Promise<string> {
  if (process.argv.includes('--cold')) {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'cold-build-'));
    const goCache = await mkdtemp(path.join(os.tmpdir(), 'cold-gocache-'));
    const started = Date.now();
    await execa('bash', [path.join(projectRoot, 'scripts/build-kubernetes.sh'), version], { env: { LESSON_HARNESS_CACHE: cache, GOCACHE: goCache }, stderr: 'inherit' });
    const took = Date.now() - started;
    await rm(cache, { recursive: true, force: true });
    await rm(goCache, { recursive: true, force: true });
    return `${seconds(took)} (measured now, empty Go build cache, module cache kept)`;
  }
  const recorded = await readFile(path.join(defaults.cacheDir, 'kubernetes', version, 'build-seconds'), 'utf8').catch(() => '');
  return recorded ? `${recorded.trim()} s (incremental if Go's cache was warm; --cold measures from scratch)` : 'unknown (run with --cold)';
}

/** Sums VmRSS of every cluster process (components, shims, containers) every 250 ms. */
function sampleRss(provider: LocalClusterProvider): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(async () => {
    let total = 0;
    for (const p of await clusterProcesses(provider.layout)) {
      const status = await readFile(`/proc/${p.pid}/status`, 'utf8').catch(() => '');
      total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
    }
    peak = Math.max(peak, total);
  }, 250);
  return { stop: () => { clearInterval(timer); return peak; } };
}

/** milestones, when given, gets the pod's creation, its binding to the node and Running. */
async function podRunningLatency(core: CoreV1Api, kubeConfig: import('@kubernetes/client-node').KubeConfig, namespace: string, name: string, milestones?: Milestone[]): Promise<number> {
  const watch = new Watch(kubeConfig);
  let abort: AbortController | undefined;
  let scheduled = false;
  const running = new Promise<number>((resolve, reject) => {
    void watch.watch(`/api/v1/namespaces/${namespace}/pods`, { fieldSelector: `metadata.name=${name}` }, (_type, pod: { spec?: { nodeName?: string }; status?: { phase?: string } }) => {
      if (pod.spec?.nodeName && !scheduled) {
        scheduled = true;
        milestones?.push({ what: 'harness sees the pod bound to the node', at: Date.now() });
      }
      if (pod.status?.phase === 'Running') resolve(Date.now());
    }, (err) => { if (err) reject(err); }).then((a) => { abort = a; });
  });
  await new Promise((r) => setTimeout(r, 50)); // let the watch open first
  const created = Date.now();
  milestones?.push({ what: 'harness creates the first pod', at: created });
  await core.createNamespacedPod({ namespace, body: { metadata: { name }, spec: { terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'r.deso.tech/library/alpine', command: ['sleep', '3600'] }] } } });
  const at = await running;
  milestones?.push({ what: 'harness sees the first pod Running', at });
  abort?.abort();
  return at - created;
}

// As every harness run starts it: start() returns once the node is Ready and a first (smoke) pod runs.
const provider = new LocalClusterProvider({ kubernetesVersion: version });
const build = await coldBuildSeconds();
const readyTimes: number[] = [];
const startTimes: number[] = [];
const firstPodTimes: number[] = [];
const teardownTimes: number[] = [];
let leftovers: string[] = [];
let firstPod = NaN;
let latencies: number[] = [];
let peakRss = 0;
let breakdown = '';
const loads: number[] = [];
for (let run = 1; run <= starts; run++) {
  process.stderr.write(`start ${run}/${starts}…\n`);
  loads.push(os.loadavg()[0] ?? NaN);
  const rss = sampleRss(provider);
  const steps = stepRecorder();
  const readiness = watchReadiness(provider.layout);
  const began = Date.now();
  const cluster = await provider.start({ log: steps.log });
  startTimes.push(Date.now() - began);
  // The provider's last step names when it saw its first pod Running (seconds since its start).
  const firstPodAt = steps.lines.map((line) => /first pod Running at ([\d.]+) s/.exec(line)?.[1]).find(Boolean);
  firstPodTimes.push(firstPodAt ? Number(firstPodAt) * 1000 : NaN);
  const milestones: Milestone[] = [...steps.milestones, { what: 'start() returned (node Ready, smoke pod Running)', at: Date.now() }];
  if (firstPodAt) milestones.push({ what: 'harness sees the first (smoke) pod Running', at: began + Number(firstPodAt) * 1000 });
  if (run === 1) {
    const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    // What a lesson gets: a namespace of its own, ready for pods (its default ServiceAccount made).
    const namespace = await createNamespace(cluster.kubeConfig, 'bench');
    milestones.push({ what: 'harness made a lesson namespace, ready for pods', at: Date.now() });
    firstPod = Date.now() - began + await podRunningLatency(core, cluster.kubeConfig, namespace, 'first', milestones);
    milestones.push(...await logMilestones(provider.layout.logs));
    process.stderr.write(`measuring ${podCount} pods one after another…\n`);
    latencies = [];
    for (let i = 0; i < podCount; i++) latencies.push(await podRunningLatency(core, cluster.kubeConfig, namespace, `latency-${i}`));
  }
  milestones.push(...readiness.stop());
  readyTimes.push((milestones.find((m) => m.what === 'harness sees the node Ready')?.at ?? NaN) - began);
  if (run === 1) breakdown = formatBreakdown(began, milestones);
  peakRss = Math.max(peakRss, rss.stop());
  const stopBegan = Date.now();
  await cluster.stop();
  teardownTimes.push(Date.now() - stopBegan);
  leftovers = await listLeftovers(provider.layout);
}

const row = (what: string, value: string, target = ''): string => `  ${what.padEnd(44)} ${value.padEnd(28)} ${target}`;
process.stdout.write(`\nlocal cluster benchmark, Kubernetes ${version} (${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${starts} warm starts; 1-min load average at each start: ${loads.map((l) => l.toFixed(1)).join(', ')})\n`);
process.stdout.write(`\nstart 1 to a pod Running in a lesson namespace, step by step (since start, since the row before):\n${breakdown}\n\n`);
process.stdout.write(`${row('what', 'measured', 'target')}\n`);
process.stdout.write(`${row('Kubernetes build (last build of this cache)', build)}\n`);
process.stdout.write(`${row('warm start → node Ready (median)', `${seconds(median(readyTimes))} [${readyTimes.map(seconds).join(', ')}]`, '≤ 10 s')}\n`);
process.stdout.write(`${row('warm start → first (smoke) pod Running (median)', `${seconds(median(firstPodTimes))} [${firstPodTimes.map(seconds).join(', ')}]`, '≤ 4 s')}\n`);
process.stdout.write(`${row('warm start → start() returned (median)', `${seconds(median(startTimes))} [${startTimes.map(seconds).join(', ')}]`, '(+ API server ready, CoreDNS)')}\n`);
process.stdout.write(`${row('start → a pod in a new lesson namespace Running', seconds(firstPod))}\n`);
process.stdout.write(`${row(`pod created → Running p50 / p95 (${latencies.length} pods)`, `${seconds(percentile(latencies, 50))} / ${seconds(percentile(latencies, 95))}`, 'p50 ≤ 1 s')}\n`);
process.stdout.write(`${row('peak RSS of all cluster processes', `${(peakRss / 2 ** 30).toFixed(2)} GiB`, '≤ 1.5 GiB')}\n`);
process.stdout.write(`${row('teardown (median)', `${seconds(median(teardownTimes))} [${teardownTimes.map(seconds).join(', ')}]`, '≤ 5 s')}\n`);
process.stdout.write(`${row('leftovers after teardown', leftovers.length ? leftovers.join('; ') : '0', '0')}\n`);

// The kind provider, measured in the same run (its node image is built first if needed).
if (process.env.BENCH_KIND !== '0') {
  const kind = new KindClusterProvider();
  const kindReady: number[] = [];
  const kindStop: number[] = [];
  let kindFirstPod = NaN;
  for (let run = 0; run <= starts; run++) {
    process.stderr.write(run === 0 ? 'kind: preparing (Docker engine, node image)…\n' : `kind start ${run}/${starts}…\n`);
    const began = Date.now();
    const cluster = await kind.start({ log: () => undefined });
    if (run > 0) kindReady.push(Date.now() - began);
    if (run === 1) {
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      await waitForDefaultServiceAccount(cluster.kubeConfig, 'default');
      kindFirstPod = Date.now() - began + await podRunningLatency(core, cluster.kubeConfig, 'default', 'first');
    }
    const stopBegan = Date.now();
    await cluster.stop();
    if (run > 0) kindStop.push(Date.now() - stopBegan);
  }
  process.stdout.write(`\nproviders side by side (warm, median of ${starts})\n`);
  process.stdout.write(`  ${'provider'.padEnd(10)} ${'start → node Ready'.padEnd(20)} ${'start → first pod Running'.padEnd(26)} teardown\n`);
  process.stdout.write(`  ${'local'.padEnd(10)} ${seconds(median(readyTimes)).padEnd(20)} ${seconds(firstPod).padEnd(26)} ${seconds(median(teardownTimes))}\n`);
  process.stdout.write(`  ${'kind'.padEnd(10)} ${seconds(median(kindReady)).padEnd(20)} ${seconds(kindFirstPod).padEnd(26)} ${seconds(median(kindStop))}\n`);
}
