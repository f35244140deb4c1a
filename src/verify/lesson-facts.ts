// Turns what the cluster did for one Job into the facts that <!-- expect: --> annotations and
// reports talk about. Pure: a Timeline in, plain values out.
import type { ExerciseFacts } from '../lesson/annotations.ts';
import type { PodLifetime as ReportPodLifetime } from '../report/verification-report.ts';
import type { Timeline } from '../timeline/timeline.ts';

export function exerciseFacts(timeline: Timeline): ExerciseFacts {
  const lives = timeline.lifetimes();
  const job = timeline.lastJob();
  const conditions = [...new Map(timeline.jobs.flatMap((j) => j.conditions).filter((c) => c.status === 'True')
    .map((c) => [`${c.type}/${c.reason ?? ''}`, { type: c.type, reason: c.reason }])).values()];
  // One duration per container run: the current run and the previous one, as seen over time.
  const runs = new Map<string, number>();
  for (const p of timeline.pods) {
    for (const c of p.containers) {
      if (c.runSeconds !== undefined) runs.set(`${p.name}/${c.name}/${c.restartCount}`, c.runSeconds);
      if (c.lastRunSeconds !== undefined) runs.set(`${p.name}/${c.name}/${c.restartCount - 1}`, c.lastRunSeconds);
    }
  }
  const start = timeline.jobs.find((j) => j.startTime)?.startTime;
  const terminal = job?.conditions.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  return {
    podCount: lives.length,
    maxActivePods: timeline.maxConcurrentActive().count,
    sequential: lives.length > 0 && timeline.overlaps().length === 0,
    completions: job?.completions ?? null,
    succeeded: job?.succeeded ?? 0,
    failed: job?.failed ?? 0,
    conditions,
    maxRestarts: Math.max(0, ...lives.map((p) => p.restarts)),
    containerDurations: [...runs.values()],
    jobDurationSeconds: start && terminal?.lastTransitionTime ? (terminal.lastTransitionTime.getTime() - start.getTime()) / 1000 : null,
  };
}

/** Pod lifetimes on the wall clock, for the report's timeline chart. */
export function reportPods(timeline: Timeline, recorderStartedAt: number): ReportPodLifetime[] {
  return timeline.lifetimes().map((p) => ({
    name: p.name,
    createdAt: recorderStartedAt + p.createdAt,
    startedAt: p.runningAt === undefined ? undefined : recorderStartedAt + p.runningAt,
    finishedAt: (p.finishedAt ?? p.deletedAt) === undefined ? undefined : recorderStartedAt + (p.finishedAt ?? p.deletedAt ?? 0),
    outcome: p.deletedAt !== undefined ? 'Deleted' : p.phase === 'Succeeded' ? 'Succeeded' : p.phase === 'Failed' ? 'Failed' : p.phase === 'Running' ? 'Running' : 'Pending',
    restarts: p.restarts,
  }));
}
