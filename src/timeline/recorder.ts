// Feeds a Timeline (Pods, Jobs and Events, for facts and reports) and an ObjectStore (every kind of
// the workload registry, for settling) from watches of each namespace a lesson uses. The client
// library's informer lists, then watches from that resourceVersion, and lists again on 410 Gone, so
// no change is lost across a reconnect. waitUntil() settles once, on the change (or the tick) that
// satisfies it.
import { CoreV1Api, KubernetesObjectApi, makeInformer, type CoreV1Event, type Informer, type KubeConfig, type KubernetesObject, type V1Job, type V1Namespace, type V1Pod } from '@kubernetes/client-node';
import { HarnessError } from '../errors/harness-error.ts';
import { isHarnessNamespace } from '../kube/namespace.ts';
import { ObjectStore } from '../workloads/object-store.ts';
import { WORKLOAD_KINDS, type WatchedObject } from '../workloads/workload-kinds.ts';
import { observeEvent, observeJob, observePod, Timeline, type WatchEventType } from './timeline.ts';

interface Waiter {
  check: () => boolean;
  resolve: () => void;
}

export interface RecorderOptions {
  /** Also watch every namespace created after the recorder started (a lesson's `kubectl create namespace`). */
  followNewNamespaces?: boolean;
}

export class TimelineRecorder {
  readonly timeline = new Timeline();
  readonly store = new ObjectStore();
  readonly startedAt = Date.now();
  readonly namespaces = new Set<string>();
  readonly #informers: Informer<KubernetesObject>[] = [];
  readonly #waiters = new Set<Waiter>();
  #tick: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(private readonly kubeConfig: KubeConfig, readonly namespace: string, private readonly options: RecorderOptions = {}) {}

  async start(): Promise<void> {
    // Time-based rules ("unchanged for 30 s") need a clock, not only changes.
    this.#tick = setInterval(() => this.#notify(), 1_000);
    await this.watchNamespace(this.namespace);
    if (this.options.followNewNamespaces) {
      const core = this.kubeConfig.makeApiClient(CoreV1Api);
      const namespaces = makeInformer<V1Namespace>(this.kubeConfig, '/api/v1/namespaces', () => core.listNamespace());
      namespaces.on('add', (ns) => {
        const created = ns.metadata?.creationTimestamp ? new Date(ns.metadata.creationTimestamp).getTime() : 0;
        // Another lesson's own namespace (made by the harness, running beside this one) is not this lesson's.
        if (isHarnessNamespace(ns.metadata?.labels)) return;
        if (!this.#stopped && created >= this.startedAt - 1_000 && ns.metadata?.name) void this.watchNamespace(ns.metadata.name).catch(() => undefined);
      });
      this.#keepWatching(namespaces);
      await namespaces.start();
    }
  }

  /** Watches one more namespace (idempotent); the lesson may name it before it exists. */
  async watchNamespace(namespace: string): Promise<void> {
    if (this.namespaces.has(namespace) || this.#stopped) return;
    this.namespaces.add(namespace);
    const objects = this.kubeConfig.makeApiClient(KubernetesObjectApi);
    const core = this.kubeConfig.makeApiClient(CoreV1Api);
    const started: Promise<void>[] = [];
    const now = (): number => Date.now() - this.startedAt;
    for (const kind of WORKLOAD_KINDS) {
      const informer = makeInformer<KubernetesObject>(this.kubeConfig, kind.path(namespace), () => objects.list(kind.apiVersion, kind.kind, namespace));
      this.#wire(informer, (obj, type) => {
        // List items come without kind/apiVersion; the store needs them.
        const object = { ...obj, kind: kind.kind, apiVersion: kind.apiVersion } as WatchedObject;
        this.store.record(object, type === 'DELETED', now());
        if (kind.kind === 'Pod') this.timeline.record(observePod(object as V1Pod, type, now()));
        if (kind.kind === 'Job') this.timeline.record(observeJob(object as V1Job, type, now()));
      });
      started.push(informer.start());
    }
    const events = makeInformer<CoreV1Event>(this.kubeConfig, `/api/v1/namespaces/${namespace}/events`, () => core.listNamespacedEvent({ namespace }));
    this.#wire(events, (event, type) => this.timeline.record(observeEvent(event, type, now())));
    started.push(events.start());
    await Promise.all(started);
  }

  #wire<T extends KubernetesObject>(informer: Informer<T>, observe: (obj: T, type: WatchEventType) => void): void {
    const on = (type: WatchEventType) => (obj: T): void => {
      if (this.#stopped) return;
      observe(obj, type);
      this.#notify();
    };
    informer.on('add', on('ADDED'));
    informer.on('update', on('MODIFIED'));
    informer.on('delete', on('DELETED'));
    this.#keepWatching(informer);
  }

  // A dropped watch is restarted (re-listing as needed) until the recorder is stopped.
  #keepWatching<T extends KubernetesObject>(informer: Informer<T>): void {
    informer.on('error', () => {
      if (!this.#stopped) setTimeout(() => void informer.start().catch(() => undefined), 500);
    });
    this.#informers.push(informer as unknown as Informer<KubernetesObject>);
  }

  #notify(): void {
    for (const waiter of this.#waiters) if (waiter.check()) waiter.resolve();
  }

  /** Milliseconds on the recorder's clock (the times of the timeline and the store). */
  now(): number {
    return Date.now() - this.startedAt;
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
      const timer = setTimeout(() => {
        const state = this.store.state(this.now());
        const still = state.waiting.length ? `Still changing:\n${indent(state.waiting.join('\n'))}\n` : '';
        settle(new HarnessError(
          `timed out after ${timeoutMs / 1000} s waiting for ${what} in namespace ${[...this.namespaces].join(', ')}.\n${still}Last observed state:\n${indent(this.timeline.lastState())}\nTimeline:\n${this.timeline.describe()}`,
          { fix: 'read the last observed state above: it says where the exercise stopped' },
        ));
      }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(waiter);
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#tick);
    await Promise.all(this.#informers.map((i) => i.stop().catch(() => undefined)));
  }
}

const indent = (text: string): string => text.split('\n').map((l) => `  ${l}`).join('\n');
