// Feeds a Timeline from watches of the Pods, Jobs and Events of one namespace. The client library's
// informer lists, then watches from that resourceVersion, and lists again on 410 Gone, so no
// change is lost across a reconnect. waitUntil() settles once, on the event that satisfies it.
import { BatchV1Api, CoreV1Api, makeInformer, type CoreV1Event, type Informer, type KubeConfig, type KubernetesObject, type V1Job, type V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../errors/harness-error.ts';
import { observeEvent, observeJob, observePod, Timeline, type WatchEventType } from './timeline.ts';

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export class TimelineRecorder {
  readonly timeline = new Timeline();
  readonly startedAt = Date.now();
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #waiters = new Set<Waiter>();
  #stopped = false;

  constructor(private readonly kubeConfig: KubeConfig, readonly namespace: string) {}

  async start(): Promise<void> {
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    const batch = this.kubeConfig.makeApiClient(BatchV1Api);
    const ns = this.namespace;
    const pods = makeInformer<V1Pod>(this.kubeConfig, `/api/v1/namespaces/${ns}/pods`, () => core.listNamespacedPod({ namespace: ns }));
    const events = makeInformer<CoreV1Event>(this.kubeConfig, `/api/v1/namespaces/${ns}/events`, () => core.listNamespacedEvent({ namespace: ns }));
    const jobs = makeInformer<V1Job>(this.kubeConfig, `/apis/batch/v1/namespaces/${ns}/jobs`, () => batch.listNamespacedJob({ namespace: ns }));
    this.#wire(pods, (pod, type) => observePod(pod, type, Date.now() - this.startedAt));
    this.#wire(jobs, (job, type) => observeJob(job, type, Date.now() - this.startedAt));
    this.#wire(events, (event, type) => observeEvent(event, type, Date.now() - this.startedAt));
    await Promise.all([pods.start(), jobs.start(), events.start()]);
  }

  #wire<T extends KubernetesObject>(informer: Informer<T>, observe: (obj: T, type: WatchEventType) => Parameters<Timeline['record']>[0]): void {
    const on = (type: WatchEventType) => (obj: T): void => {
      if (this.#stopped) return;
      this.timeline.record(observe(obj, type));
      for (const waiter of this.#waiters) if (waiter.check()) waiter.resolve();
    };
    informer.on('add', on('ADDED'));
    informer.on('update', on('MODIFIED'));
    informer.on('delete', on('DELETED'));
    // A dropped watch is restarted (re-listing as needed) until the recorder is stopped.
    informer.on('error', () => {
      if (!this.#stopped) setTimeout(() => void informer.start().catch(() => undefined), 500);
    });
    this.#informers.push(informer as unknown as Informer<KubernetesObject>);
  }

  /** Resolves when check() holds; rejects after timeoutMs with the last state and the timeline. */
  waitUntil(what: string, check: (timeline: Timeline) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (check(this.timeline)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const settle = (error?: Error): void => {
        this.#waiters.delete(waiter);
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else resolve();
      };
      const waiter: Waiter = { check: () => check(this.timeline), resolve: () => settle() };
      const onAbort = (): void => settle(new HarnessError(`stopped while waiting for ${what}`));
      const timer = setTimeout(() => settle(new HarnessError(
        `timed out after ${timeoutMs / 1000} s waiting for ${what} in namespace ${this.namespace}.\nLast observed state:\n${indent(this.timeline.lastState())}\nTimeline:\n${this.timeline.describe()}`,
        { fix: 'read the last observed state above: it says where the exercise stopped' },
      )), timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all(this.#informers.map((i) => i.stop().catch(() => undefined)));
  }
}

const indent = (text: string): string => text.split('\n').map((l) => `  ${l}`).join('\n');
