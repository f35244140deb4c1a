// A recorded history of every Pod and Job change of one exercise, and the questions the
// assertions ask of it (how many pods, how many at once, one after another, which conditions).
// Pure: observations go in, answers come out; the watcher that feeds it is in recorder.ts.
import type { CoreV1Event, V1Job, V1Pod } from '@kubernetes/client-node';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ContainerObservation {
  name: string;
  state: 'waiting' | 'running' | 'terminated' | 'unknown';
  reason?: string;
  exitCode?: number;
  restartCount: number;
  lastTerminated?: { reason?: string; exitCode: number };
  /** Seconds the current (terminated) and the previous run took, from API timestamps. */
  runSeconds?: number;
  lastRunSeconds?: number;
}

export interface PodObservation {
  kind: 'Pod';
  /** Milliseconds since the recorder started, on our own clock (ms precision, unlike API timestamps). */
  at: number;
  type: WatchEventType;
  name: string;
  phase: string;
  deleting: boolean;
  containers: ContainerObservation[];
}

export interface JobConditionObservation {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  /** API server time (second resolution), comparable with the Job's startTime. */
  lastTransitionTime?: Date;
}

export interface JobObservation {
  kind: 'Job';
  at: number;
  type: WatchEventType;
  name: string;
  active: number;
  ready: number;
  succeeded: number;
  failed: number;
  terminating: number;
  completions: number | null;
  parallelism: number | null;
  startTime?: Date;
  completionTime?: Date;
  conditions: JobConditionObservation[];
}

/** A Kubernetes Event about an object of the namespace (the kubelet's BackOff, the Job's SuccessfulCreate…). */
export interface EventObservation {
  kind: 'Event';
  at: number;
  type: WatchEventType;
  /** Name of the object the event is about. */
  name: string;
  objectKind: string;
  reason: string;
  message: string;
}

export type Observation = PodObservation | JobObservation | EventObservation;

export interface PodLifetime {
  name: string;
  createdAt: number;
  runningAt?: number;
  finishedAt?: number;
  deletedAt?: number;
  /** Marked for deletion (deletionTimestamp) but not yet gone. */
  deleting: boolean;
  phase: string;
  restarts: number;
  exitCodes: number[];
  /** Distinct container states in order, as `kubectl get pods` would name them (Running, Error, CrashLoopBackOff…). */
  statuses: string[];
}

const toDate = (value: Date | string | undefined): Date | undefined => (value === undefined ? undefined : new Date(value));

const seconds = (from: Date | string | undefined, to: Date | string | undefined): number | undefined =>
  (from && to ? (new Date(to).getTime() - new Date(from).getTime()) / 1000 : undefined);

const terminalPhases = new Set(['Succeeded', 'Failed']);

export function observePod(pod: V1Pod, type: WatchEventType, at: number): PodObservation {
  return {
    kind: 'Pod', at, type,
    name: pod.metadata?.name ?? '?',
    phase: pod.status?.phase ?? 'Unknown',
    deleting: !!pod.metadata?.deletionTimestamp,
    containers: (pod.status?.containerStatuses ?? []).map((c) => {
      const state = c.state?.terminated ? 'terminated' : c.state?.running ? 'running' : c.state?.waiting ? 'waiting' : 'unknown';
      const last = c.lastState?.terminated;
      return {
        name: c.name, state, restartCount: c.restartCount,
        reason: c.state?.terminated?.reason ?? c.state?.waiting?.reason,
        exitCode: c.state?.terminated?.exitCode,
        runSeconds: seconds(c.state?.terminated?.startedAt, c.state?.terminated?.finishedAt),
        lastRunSeconds: seconds(last?.startedAt, last?.finishedAt),
        ...(last ? { lastTerminated: { reason: last.reason, exitCode: last.exitCode } } : {}),
      };
    }),
  };
}

export function observeEvent(event: CoreV1Event, type: WatchEventType, at: number): EventObservation {
  return {
    kind: 'Event', at, type, name: event.involvedObject.name ?? '?', objectKind: event.involvedObject.kind ?? '?',
    reason: event.reason ?? '', message: event.message ?? '',
  };
}

export function observeJob(job: V1Job, type: WatchEventType, at: number): JobObservation {
  return {
    kind: 'Job', at, type,
    name: job.metadata?.name ?? '?',
    active: job.status?.active ?? 0,
    ready: job.status?.ready ?? 0,
    succeeded: job.status?.succeeded ?? 0,
    failed: job.status?.failed ?? 0,
    terminating: job.status?.terminating ?? 0,
    completions: job.spec?.completions ?? null,
    parallelism: job.spec?.parallelism ?? null,
    // Watch events carry raw JSON (timestamps as strings), lists carry Dates: accept both.
    startTime: toDate(job.status?.startTime),
    completionTime: toDate(job.status?.completionTime),
    conditions: (job.status?.conditions ?? []).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime: toDate(c.lastTransitionTime) })),
  };
}

/** What `kubectl get pods` shows in STATUS for one observation (close enough for transitions). */
export function podStatus(p: PodObservation): string {
  const c = p.containers[0];
  if (p.deleting && !terminalPhases.has(p.phase)) return 'Terminating';
  if (c?.state === 'waiting') return c.reason ?? 'Waiting';
  if (c?.state === 'terminated') return c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error');
  if (c?.state === 'running') return 'Running';
  return p.phase;
}

export class Timeline {
  readonly observations: Observation[] = [];

  record(observation: Observation): void {
    this.observations.push(observation);
  }

  /** Only the Job of this name and its pods (named <job>-<suffix>) — a namespace can hold several. */
  forJob(name: string): Timeline {
    const only = new Timeline();
    for (const o of this.observations) {
      const ofPod = o.name.startsWith(`${name}-`) && /^[a-z0-9]{5}$/.test(o.name.slice(name.length + 1));
      if (o.kind === 'Job' ? o.name === name : o.kind === 'Pod' ? ofPod : o.name === name || ofPod) only.record(o);
    }
    return only;
  }

  get pods(): PodObservation[] {
    return this.observations.filter((o): o is PodObservation => o.kind === 'Pod');
  }

  get jobs(): JobObservation[] {
    return this.observations.filter((o): o is JobObservation => o.kind === 'Job');
  }

  get events(): EventObservation[] {
    return this.observations.filter((o): o is EventObservation => o.kind === 'Event');
  }

  /** Event reasons recorded about one object, in order (e.g. the kubelet's BackOff for a pod). */
  eventReasons(name: string): string[] {
    return this.events.filter((e) => e.name === name && e.type !== 'DELETED').map((e) => e.reason);
  }

  lastJob(): JobObservation | undefined {
    return this.jobs.at(-1);
  }

  /** Every pod once, in order of first sighting. */
  lifetimes(): PodLifetime[] {
    const byName = new Map<string, PodLifetime>();
    for (const p of this.pods) {
      let life = byName.get(p.name);
      if (!life) {
        life = { name: p.name, createdAt: p.at, deleting: false, phase: p.phase, restarts: 0, exitCodes: [], statuses: [] };
        byName.set(p.name, life);
      }
      life.phase = p.phase;
      life.deleting = p.deleting && p.type !== 'DELETED';
      const status = podStatus(p);
      if (life.statuses.at(-1) !== status) life.statuses.push(status);
      for (const c of p.containers) {
        life.restarts = Math.max(life.restarts, c.restartCount);
        for (const code of [c.exitCode, c.lastTerminated?.exitCode]) if (code !== undefined && !life.exitCodes.includes(code)) life.exitCodes.push(code);
      }
      if (life.runningAt === undefined && p.containers.some((c) => c.state === 'running' || c.state === 'terminated')) life.runningAt = p.at;
      if (life.finishedAt === undefined && terminalPhases.has(p.phase)) life.finishedAt = p.at;
      if (p.type === 'DELETED') life.deletedAt ??= p.at;
    }
    return [...byName.values()];
  }

  /** The most pods that were active (created, not yet Succeeded/Failed nor deleted) at one time. */
  maxConcurrentActive(): { count: number; at: number; names: string[] } {
    const active = new Set<string>();
    let best = { count: 0, at: 0, names: [] as string[] };
    for (const p of this.pods) {
      if (p.type === 'DELETED' || terminalPhases.has(p.phase)) active.delete(p.name);
      else active.add(p.name);
      if (active.size > best.count) best = { count: active.size, at: p.at, names: [...active] };
    }
    return best;
  }

  /** Pairs of pods where the next was created before the previous one had finished. */
  overlaps(): { earlier: PodLifetime; later: PodLifetime }[] {
    const lives = this.lifetimes();
    const found: { earlier: PodLifetime; later: PodLifetime }[] = [];
    for (let i = 1; i < lives.length; i++) {
      const earlier = lives[i - 1] as PodLifetime;
      const later = lives[i] as PodLifetime;
      const earlierEnd = earlier.finishedAt ?? earlier.deletedAt;
      if (earlierEnd === undefined || later.createdAt < earlierEnd) found.push({ earlier, later });
    }
    return found;
  }

  /** First observation of a Job condition with status True (and the reason, when given). */
  firstCondition(type: string, reason?: string): { at: number; condition: JobConditionObservation; job: JobObservation } | undefined {
    for (const job of this.jobs) {
      const condition = job.conditions.find((c) => c.type === type && c.status === 'True' && (reason === undefined || c.reason === reason));
      if (condition) return { at: job.at, condition, job };
    }
    return undefined;
  }

  /** A readable history for failure messages: one line per change, times relative to the start. */
  describe(limit = 60): string {
    const lines: string[] = [];
    let previous = '';
    for (const o of this.observations) {
      if (o.kind === 'Event' && o.type === 'DELETED') continue;
      const text = o.kind === 'Event'
        ? `event ${o.reason} ${o.objectKind.toLowerCase()}/${o.name}`
        : o.kind === 'Pod'
        ? `pod ${o.name} ${o.type === 'DELETED' ? 'DELETED' : `${o.phase}/${podStatus(o)}`} restarts=${o.containers[0]?.restartCount ?? 0}`
        : `job ${o.name} ${o.type === 'DELETED' ? 'DELETED' : `active=${o.active} succeeded=${o.succeeded} failed=${o.failed} conditions=[${o.conditions.filter((c) => c.status === 'True').map((c) => (c.reason ? `${c.type}/${c.reason}` : c.type)).join(', ')}]`}`;
      if (text === previous) continue;
      previous = text;
      lines.push(`  +${(o.at / 1000).toFixed(1).padStart(5)}s ${text}`);
    }
    return lines.length > limit ? [...lines.slice(0, limit / 2), `  … ${lines.length - limit} more …`, ...lines.slice(-limit / 2)].join('\n') : lines.join('\n');
  }

  /** The last state of the Job and of each pod, for the header of a failure message. */
  lastState(): string {
    const job = this.lastJob();
    const jobLine = job
      ? `job ${job.name}: active=${job.active} succeeded=${job.succeeded} failed=${job.failed}, conditions ${JSON.stringify(job.conditions.map((c) => `${c.type}=${c.status}${c.reason ? `/${c.reason}` : ''}`))}`
      : 'no Job was observed';
    const pods = this.lifetimes().map((p) => `pod ${p.name}: ${p.deletedAt !== undefined ? 'deleted, was ' : ''}${p.phase}, statuses ${p.statuses.join('→')}, restarts ${p.restarts}`);
    return [jobLine, ...pods].join('\n');
  }
}
