/**
 * What "settled" means for each kind of object a lesson touches — one registry, in the spirit of
 * testcontainers' wait strategies, so nothing else in the harness asks `kind === 'Job'`.
 *
 *  - settled: a student looking now sees the state the lesson is about to describe;
 *  - waiting: it is still changing by itself (a rollout, a Job running, a pod terminating);
 *  - stuck:   it will not change without a fix (an image that cannot be pulled): report it;
 *  - a timer: settled, but something will still happen later by itself (a CronJob's next run, a
 *    finished Job's TTL clean-up), so output that does not match yet may still come to match.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

export interface WatchedObject extends KubernetesObject {
  spec?: Record<string, unknown> & { replicas?: number; paused?: boolean; suspend?: boolean; ttlSecondsAfterFinished?: number };
  status?: Record<string, unknown>;
}

export type Settle =
  | { state: 'settled'; timer?: string }
  | { state: 'waiting'; why: string }
  | { state: 'stuck'; why: string };

export interface SettleContext {
  /** Milliseconds since this object last changed, for "stable for a while" decisions. */
  unchangedForMs: number;
}

export interface WorkloadKind {
  kind: string;
  apiVersion: string;
  /** REST path of the collection in a namespace, for the watch. */
  path: (namespace: string) => string;
  settle: (object: WatchedObject, context: SettleContext) => Settle;
}

/** Waiting reasons of a container that no amount of waiting will fix. */
export const STUCK_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);
/**
 * A pod Running but not Ready (a failing readiness probe), or a rollout waiting on such pods, that has
 * not changed for this long is taken as the state the lesson shows: waiting the whole exercise timeout
 * would only make the harness slow, never more right.
 */
export const STABLE_AFTER_MS = 30_000;

const settled: Settle = { state: 'settled' };
const num = (value: unknown, fallback = 0): number => (typeof value === 'number' ? value : fallback);
const name = (o: WatchedObject): string => `${o.kind?.toLowerCase() ?? 'object'}/${o.metadata?.name ?? '?'}`;
const generationSeen = (o: WatchedObject): boolean => num(o.status?.observedGeneration) >= num(o.metadata?.generation);

interface ContainerStatus { name: string; ready?: boolean; restartCount?: number; state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string } } }
interface Condition { type: string; status: string; reason?: string }

const conditions = (o: WatchedObject): Condition[] => (o.status?.conditions as Condition[] | undefined) ?? [];
const hasCondition = (o: WatchedObject, type: string, status = 'True', reason?: string): boolean =>
  conditions(o).some((c) => c.type === type && c.status === status && (reason === undefined || c.reason === reason));
const controller = (o: WatchedObject): string | undefined => o.metadata?.ownerReferences?.find((r) => r.controller)?.kind;

function podSettle(pod: WatchedObject, { unchangedForMs }: SettleContext): Settle {
  const statuses = [...((pod.status?.initContainerStatuses as ContainerStatus[] | undefined) ?? []), ...((pod.status?.containerStatuses as ContainerStatus[] | undefined) ?? [])];
  const stuck = statuses.find((c) => STUCK_REASONS.has(c.state?.waiting?.reason ?? ''));
  if (stuck) return { state: 'stuck', why: `${name(pod)}: ${stuck.state?.waiting?.reason ?? ''}${stuck.state?.waiting?.message ? ` (${stuck.state.waiting.message})` : ''}` };
  if (pod.metadata?.deletionTimestamp) return { state: 'waiting', why: `${name(pod)} is terminating` };
  const phase = String(pod.status?.phase ?? 'Pending');
  if (phase === 'Succeeded' || phase === 'Failed') return settled;
  // Pods of a Job are done when they end; pods of other controllers settle with their controller.
  const owner = controller(pod);
  if (owner === 'Job') return { state: 'waiting', why: `${name(pod)} is ${phase}` };
  if (owner && owner !== 'Node') return settled;
  if (hasCondition(pod, 'Ready')) return settled;
  if (statuses.some((c) => c.state?.waiting?.reason === 'CrashLoopBackOff')) return settled;
  if (hasCondition(pod, 'PodScheduled', 'False', 'Unschedulable')) return settled;
  if (phase === 'Running' && unchangedForMs >= STABLE_AFTER_MS) return settled;
  return { state: 'waiting', why: `${name(pod)} is ${phase}${phase === 'Running' ? ', not Ready' : ''}` };
}

function jobSettle(job: WatchedObject): Settle {
  const ended = hasCondition(job, 'Complete') || hasCondition(job, 'Failed');
  if (ended) {
    const ttl = job.spec?.ttlSecondsAfterFinished;
    return typeof ttl === 'number' ? { state: 'settled', timer: `${name(job)} is deleted ${ttl} s after it finished` } : settled;
  }
  if (job.spec?.suspend) return settled;
  return { state: 'waiting', why: `${name(job)}: active ${num(job.status?.active)}, succeeded ${num(job.status?.succeeded)}, failed ${num(job.status?.failed)}` };
}

function replicated(o: WatchedObject, ready: number, updated: number, context: SettleContext, extra = true): Settle {
  const desired = num(o.spec?.replicas, 1);
  const total = num(o.status?.replicas);
  if (generationSeen(o) && updated === desired && total === desired && ready === desired && extra) return settled;
  // Pods that run but never become ready (a failing probe): the rollout stays like this.
  if (generationSeen(o) && context.unchangedForMs >= STABLE_AFTER_MS) return settled;
  return { state: 'waiting', why: `${name(o)}: ${ready}/${desired} ready, ${updated} updated, ${total} in total` };
}

export const WORKLOAD_KINDS: readonly WorkloadKind[] = [
  { kind: 'Pod', apiVersion: 'v1', path: (ns) => `/api/v1/namespaces/${ns}/pods`, settle: podSettle },
  { kind: 'Job', apiVersion: 'batch/v1', path: (ns) => `/apis/batch/v1/namespaces/${ns}/jobs`, settle: jobSettle },
  {
    kind: 'CronJob', apiVersion: 'batch/v1', path: (ns) => `/apis/batch/v1/namespaces/${ns}/cronjobs`,
    // Never waited for: its later state is awaited by the command that shows it.
    settle: (cj) => (cj.spec?.suspend ? settled : { state: 'settled', timer: `${name(cj)} starts a Job on its schedule (${String(cj.spec?.schedule ?? '')})` }),
  },
  {
    kind: 'Deployment', apiVersion: 'apps/v1', path: (ns) => `/apis/apps/v1/namespaces/${ns}/deployments`,
    settle: (d, context) => {
      if (d.spec?.paused) return settled;
      if (hasCondition(d, 'Progressing', 'False', 'ProgressDeadlineExceeded')) return { state: 'stuck', why: `${name(d)}: rollout exceeded its progress deadline` };
      return replicated(d, num(d.status?.availableReplicas), num(d.status?.updatedReplicas), context);
    },
  },
  {
    kind: 'ReplicaSet', apiVersion: 'apps/v1', path: (ns) => `/apis/apps/v1/namespaces/${ns}/replicasets`,
    settle: (rs, context) => (controller(rs) === 'Deployment' ? settled : replicated(rs, num(rs.status?.readyReplicas), num(rs.status?.replicas), context)),
  },
  {
    kind: 'StatefulSet', apiVersion: 'apps/v1', path: (ns) => `/apis/apps/v1/namespaces/${ns}/statefulsets`,
    settle: (s, context) => {
      const onDelete = (s.spec?.updateStrategy as { type?: string } | undefined)?.type === 'OnDelete';
      const current = onDelete || s.status?.currentRevision === s.status?.updateRevision;
      return replicated(s, num(s.status?.readyReplicas), num(s.status?.updatedReplicas ?? s.status?.replicas), context, current);
    },
  },
  {
    kind: 'DaemonSet', apiVersion: 'apps/v1', path: (ns) => `/apis/apps/v1/namespaces/${ns}/daemonsets`,
    settle: (ds, context) => {
      const desired = num(ds.status?.desiredNumberScheduled);
      const ready = num(ds.status?.numberReady);
      const updated = num(ds.status?.updatedNumberScheduled);
      if (generationSeen(ds) && ready === desired && updated === desired) return settled;
      if (generationSeen(ds) && context.unchangedForMs >= STABLE_AFTER_MS) return settled;
      return { state: 'waiting', why: `${name(ds)}: ${ready}/${desired} ready, ${updated} updated` };
    },
  },
  // Objects that are what they are once created: watched so that claims and name look-ups know them.
  { kind: 'Service', apiVersion: 'v1', path: (ns) => `/api/v1/namespaces/${ns}/services`, settle: () => settled },
  { kind: 'ConfigMap', apiVersion: 'v1', path: (ns) => `/api/v1/namespaces/${ns}/configmaps`, settle: () => settled },
  { kind: 'Secret', apiVersion: 'v1', path: (ns) => `/api/v1/namespaces/${ns}/secrets`, settle: () => settled },
];

export function workloadKind(kind: string): WorkloadKind | undefined {
  return WORKLOAD_KINDS.find((k) => k.kind === kind);
}
