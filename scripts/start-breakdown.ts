// What a local cluster start costs, step by step, up to a first pod Running: the harness's own
// progress lines and polls (millisecond clock of this process) merged with the milestones each
// component writes in its log (klog and containerd timestamps, microseconds, same host clock).
// Used by npm run bench:cluster; figures only, nothing here asserts.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { nodeReady } from '../src/kube/readiness.ts';
import type { LocalLayout } from '../src/cluster-providers/local/layout.ts';

export interface Milestone {
  what: string;
  /** Epoch milliseconds. */
  at: number;
}

/** Component log lines worth a row: the first (or last) line of each file matching the pattern. */
const LOG_MILESTONES: { file: string; what: string; pattern: RegExp; last?: boolean }[] = [
  { file: 'containerd.log', what: 'containerd: process up', pattern: /starting containerd/ },
  { file: 'etcd.log', what: 'etcd: first log line', pattern: /./ },
  { file: 'kube-apiserver.log', what: 'apiserver: process up', pattern: /./ },
  { file: 'kube-apiserver.log', what: 'apiserver: serving TLS', pattern: /Serving securely on/ },
  { file: 'kubelet.log', what: 'kubelet: process up', pattern: /./ },
  { file: 'kubelet.log', what: 'kubelet: node registered', pattern: /Successfully registered node/ },
  { file: 'kube-controller-manager.log', what: 'controller-manager: process up', pattern: /./ },
  { file: 'kube-controller-manager.log', what: 'controller-manager: serviceaccount controller started', pattern: /"Started controller" controller="serviceaccount-controller"/ },
  { file: 'kube-controller-manager.log', what: 'controller-manager: all controllers started', pattern: /"Started controller"/, last: true },
  { file: 'kube-scheduler.log', what: 'scheduler: process up', pattern: /./ },
  { file: 'containerd.log', what: 'containerd: pause image pull begins', pattern: /PullImage \\"registry\.k8s\.io\/pause/ },
  { file: 'containerd.log', what: 'containerd: pause image pulled', pattern: /PullImage \\"registry\.k8s\.io\/pause[^"]*\\" returns image reference/ },
  { file: 'containerd.log', what: 'containerd: first RunPodSandbox begins', pattern: /RunPodSandbox for/ },
  { file: 'containerd.log', what: 'containerd: first sandbox running (CNI done)', pattern: /RunPodSandbox for .* returns sandbox id/ },
  { file: 'containerd.log', what: 'containerd: first container image pulled', pattern: /PullImage \\"(?!registry\.k8s\.io\/pause)[^"]*\\" returns image reference/ },
  { file: 'containerd.log', what: 'containerd: first container started', pattern: /StartContainer for .* returns successfully/ },
];

const KLOG = /^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})/;
const LOGRUS = /time="([^"]+)"/;
const ETCD_JSON = /"ts":"([^"]+)"/;

/** A log line's own time: klog (local time, no year), containerd's logrus or etcd's JSON. */
export function lineTime(line: string, year = new Date().getFullYear()): number | undefined {
  const k = KLOG.exec(line);
  if (k) {
    const [, mo, d, h, mi, s, us] = k.map(Number) as number[];
    return new Date(year, (mo ?? 1) - 1, d, h, mi, s, Math.floor((us ?? 0) / 1000)).getTime();
  }
  const iso = LOGRUS.exec(line)?.[1] ?? ETCD_JSON.exec(line)?.[1];
  return iso ? Date.parse(iso) : undefined;
}

export async function logMilestones(logsDir: string): Promise<Milestone[]> {
  const texts = new Map<string, string[]>();
  const found: Milestone[] = [];
  for (const m of LOG_MILESTONES) {
    if (!texts.has(m.file)) texts.set(m.file, (await readFile(path.join(logsDir, m.file), 'utf8').catch(() => '')).split('\n'));
    const lines = texts.get(m.file) ?? [];
    const matching = lines.filter((line) => m.pattern.test(line));
    const line = m.last ? matching.at(-1) : matching[0];
    const at = line === undefined ? undefined : lineTime(line);
    if (at !== undefined) found.push({ what: m.what, at });
  }
  return found;
}

/**
 * Polls, while the cluster starts, for what the harness waits on after node Ready: the `default`
 * ServiceAccount of namespace `default` (pods are refused until it exists) and the node's Ready.
 * 50 ms polls: cheap next to the steps measured.
 */
export function watchReadiness(l: LocalLayout): { stop: () => Milestone[] } {
  const seen: Milestone[] = [];
  let stopped = false;
  void (async () => {
    let core: CoreV1Api | undefined;
    let sa = false;
    let node = false;
    while (!stopped && !(sa && node)) {
      await new Promise((r) => setTimeout(r, 50));
      if (!core) {
        const kc = new KubeConfig();
        try { kc.loadFromFile(l.adminKubeconfig); } catch { continue; }
        core = kc.makeApiClient(CoreV1Api);
      }
      if (!sa && await core.readNamespacedServiceAccount({ name: 'default', namespace: 'default' }).then(() => true, () => false)) {
        sa = true;
        seen.push({ what: 'harness sees ServiceAccount default/default', at: Date.now() });
      }
      if (!node && await nodeReady(core)) {
        node = true;
        seen.push({ what: 'harness sees the node Ready', at: Date.now() });
      }
    }
  })();
  return { stop: () => { stopped = true; return seen; } };
}

/** Harness progress lines "[local 1.2s] 3/7 …" as milestones (the time they were logged). */
export function stepRecorder(): { log: (line: string) => void; milestones: Milestone[]; lines: string[] } {
  const milestones: Milestone[] = [];
  const lines: string[] = [];
  return {
    milestones,
    lines,
    log: (line) => {
      lines.push(line);
      const step = /^\[local [\d.]+s\] (\d)\/7 (.*)$/.exec(line.split('\n')[0] ?? '');
      if (step) milestones.push({ what: `harness step ${step[1]}: ${(step[2] ?? '').slice(0, 60)}`, at: Date.now() });
    },
  };
}

/** One row per milestone, in time order: since the start, and since the row before. */
export function formatBreakdown(began: number, milestones: Milestone[]): string {
  const rows = [...milestones].sort((a, b) => a.at - b.at);
  let previous = began;
  return rows.map((m) => {
    const line = `  ${((m.at - began) / 1000).toFixed(2).padStart(6)} s  +${((m.at - previous) / 1000).toFixed(2).padStart(5)} s  ${m.what}`;
    previous = m.at;
    return line;
  }).join('\n');
}
