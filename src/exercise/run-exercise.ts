// Runs one exercise on a cluster: its own namespace, a recorder watching Pods and Jobs from
// before the apply, the manifest applied, and a wait until the Job has a terminal condition
// and no pod is still active. Everything it observed is returned for the assertions.
import { readFile } from 'node:fs/promises';
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { defaults } from '../config/defaults.ts';
import { applyObjects, parseManifests } from '../kube/apply.ts';
import { podLogs } from '../kube/diagnostics.ts';
import { createNamespace } from '../kube/namespace.ts';
import { TimelineRecorder } from '../timeline/recorder.ts';
import type { Timeline } from '../timeline/timeline.ts';

export interface ExerciseDefinition {
  /** Exercise name as the lesson calls it, e.g. job-2. */
  name: string;
  /** Path of the manifest to apply. */
  manifest: string;
  /** Name of the Job the manifest creates. */
  job: string;
}

export interface ExerciseResult {
  exercise: ExerciseDefinition;
  namespace: string;
  timeline: Timeline;
  /** Logs of the pods that still existed at the end, by pod name. */
  logs: Map<string, string>;
  durationMs: number;
}

export function jobFinished(timeline: Timeline): boolean {
  const job = timeline.lastJob();
  const terminal = job?.conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') ?? false;
  // A pod the controller is deleting (job-4 at its deadline) counts once it is gone, so that
  // "the pod was deleted" is decided on what happened rather than on how quickly we looked.
  return terminal && timeline.lifetimes().every((p) => p.deletedAt !== undefined || (p.finishedAt !== undefined && !p.deleting));
}

export async function runExercise(cluster: StartedCluster, exercise: ExerciseDefinition, options: {
  timeoutMs?: number; signal?: AbortSignal; log?: (line: string) => void;
} = {}): Promise<ExerciseResult> {
  const log = options.log ?? (() => undefined);
  const objects = parseManifests(await readFile(exercise.manifest, 'utf8'), exercise.manifest);
  const namespace = await createNamespace(cluster.kubeConfig, `lh-${exercise.name}`);
  const recorder = new TimelineRecorder(cluster.kubeConfig, namespace);
  await recorder.start();
  const started = Date.now();
  let lastProgress = '';
  const progress = setInterval(() => {
    const job = recorder.timeline.lastJob();
    const line = job ? `active ${job.active}, succeeded ${job.succeeded}, failed ${job.failed}, pods seen ${recorder.timeline.lifetimes().length}` : 'waiting for the Job';
    if (line !== lastProgress) log(`[${exercise.name} +${((Date.now() - started) / 1000).toFixed(0)}s] ${line}`);
    lastProgress = line;
  }, 5_000);
  try {
    log(`[${exercise.name}] applying ${exercise.manifest} in namespace ${namespace}`);
    await applyObjects(cluster.kubeConfig, objects, namespace);
    await recorder.waitUntil(`Job ${exercise.job} to finish (Complete or Failed, no active pod)`, jobFinished,
      options.timeoutMs ?? defaults.timeouts.exerciseMs, options.signal);
    const logs = new Map<string, string>();
    for (const pod of recorder.timeline.lifetimes().filter((p) => p.deletedAt === undefined)) {
      logs.set(pod.name, await podLogs(cluster.kubeConfig, namespace, pod.name));
    }
    const durationMs = Date.now() - started;
    log(`[${exercise.name}] finished in ${(durationMs / 1000).toFixed(1)} s`);
    return { exercise, namespace, timeline: recorder.timeline, logs, durationMs };
  } catch (error) {
    // Keep the namespace in the error: diagnostics are collected from it.
    throw Object.assign(error as Error, { namespace, timeline: recorder.timeline });
  } finally {
    clearInterval(progress);
    await recorder.stop();
  }
}
