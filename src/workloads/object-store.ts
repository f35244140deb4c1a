/**
 * The latest state of every object the recorder watches, and the questions asked of all of them
 * together: has the exercise settled, is anything stuck, will anything still change by itself?
 * Pure: objects go in (with the time they were seen), answers come out.
 */
import { workloadKind, type WatchedObject } from './workload-kinds.ts';

export interface StoredObject {
  object: WatchedObject;
  /** Our clock (ms since the recorder started) when it was last seen changing, and when first seen. */
  changedAt: number;
  firstSeenAt: number;
  deleted: boolean;
}

export interface ExerciseState {
  /** Nothing is still changing by itself, or something is stuck (waiting cannot fix that). */
  settled: boolean;
  /** Settled, and no timer will change anything later (no CronJob schedule, no pending TTL). */
  quiescent: boolean;
  waiting: string[];
  stuck: string[];
  timers: string[];
}

export const objectKey = (kind: string, namespace: string | undefined, name: string): string => `${kind}/${namespace ?? ''}/${name}`;

export class ObjectStore {
  readonly #objects = new Map<string, StoredObject>();

  record(object: WatchedObject, deleted: boolean, at: number): void {
    const key = objectKey(object.kind ?? '', object.metadata?.namespace, object.metadata?.name ?? '');
    const before = this.#objects.get(key);
    this.#objects.set(key, { object, deleted, changedAt: at, firstSeenAt: before?.firstSeenAt ?? at });
  }

  get(kind: string, namespace: string, name: string): StoredObject | undefined {
    return this.#objects.get(objectKey(kind, namespace, name));
  }

  /** Objects that exist now (optionally of one kind), in the order they were first seen. */
  live(kind?: string): WatchedObject[] {
    return [...this.#objects.values()].filter((s) => !s.deleted && (kind === undefined || s.object.kind === kind))
      .sort((a, b) => a.firstSeenAt - b.firstSeenAt).map((s) => s.object);
  }

  /** Every object ever seen, deleted ones included, in the order first seen. */
  all(): StoredObject[] {
    return [...this.#objects.values()].sort((a, b) => a.firstSeenAt - b.firstSeenAt);
  }

  state(now: number): ExerciseState {
    const waiting: string[] = [];
    const stuck: string[] = [];
    const timers: string[] = [];
    for (const stored of this.#objects.values()) {
      if (stored.deleted) continue;
      const rule = workloadKind(stored.object.kind ?? '');
      if (!rule) continue;
      const settle = rule.settle(stored.object, { unchangedForMs: now - stored.changedAt });
      if (settle.state === 'waiting') waiting.push(settle.why);
      else if (settle.state === 'stuck') stuck.push(settle.why);
      else if (settle.timer) timers.push(settle.timer);
    }
    // Something stuck will not move without a fix, and what waits on it (a Job whose pod cannot pull
    // its image) would wait for ever: report now rather than after the exercise timeout.
    const settled = waiting.length === 0 || stuck.length > 0;
    return { settled, quiescent: settled && timers.length === 0, waiting, stuck, timers };
  }
}
