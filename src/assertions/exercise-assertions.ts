// chai assertions over what an exercise did on the cluster. Each failure message says what was
// expected, what happened, the last observed state and the recorded timeline — never a bare
// "expected false to be true". Use: chai.use(exerciseAssertions); expect(result).to.have.createdPods(5).
import type { ExerciseResult } from '../exercise/run-exercise.ts';
import type { PodLifetime } from '../timeline/timeline.ts';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Chai {
    interface Assertion {
      /** Exactly n distinct pods were created. */
      createdPods(n: number): Assertion;
      /** At most, and at some moment exactly, n pods were active (created, not ended) at once. */
      activeAtOnce(n: number): Assertion;
      /** Each pod was created only after the previous one had finished. */
      sequentialPods(): Assertion;
      /** All pods were created within `ms` of the first one. */
      podsCreatedWithin(ms: number): Assertion;
      /** Every pod ended in this phase. */
      allPodsPhase(phase: string): Assertion;
      /** Every pod's container showed each of these statuses (kubectl's STATUS column) at some point (CrashLoopBackOff: or the kubelet's BackOff event). */
      podStatuses(statuses: string[]): Assertion;
      /** Every pod's container terminated with this reason and exit code (now or in an earlier run). */
      containerTerminated(reason: string, exitCode: number): Assertion;
      /** The most restarts any container had is in [min, max]. */
      restartsBetween(min: number, max: number): Assertion;
      /** The Job had condition `type`=True (with `reason`, when given) at some point. */
      jobCondition(type: string, reason?: string): Assertion;
      /** Condition `type` became True between `from` and `to` seconds after the Job's startTime. */
      jobConditionAfter(type: string, from: number, to: number): Assertion;
      /** The Job reached Complete only after every pod had ended. */
      completeAfterLastPod(): Assertion;
      /** The Job's final status counts (only the fields given are compared). */
      jobStatus(expected: { succeeded?: number; failed?: number; active?: number }): Assertion;
      /** Every pod was deleted by the end. */
      podsDeleted(): Assertion;
      /** Every remaining pod printed exactly this. */
      podLogs(expected: string): Assertion;
    }
  }
}

type Utils = Chai.ChaiUtils;

function context(r: ExerciseResult): string {
  return `\n\nLast observed state (namespace ${r.namespace}):\n${r.timeline.lastState().split('\n').map((l) => `  ${l}`).join('\n')}\nTimeline:\n${r.timeline.describe()}`;
}

/** Events that show a container status as surely as the status itself. */
const eventEvidence: Record<string, string[]> = { CrashLoopBackOff: ['BackOff'] };

const secs = (ms: number | undefined): string => (ms === undefined ? 'never' : `+${(ms / 1000).toFixed(1)}s`);
const names = (lives: PodLifetime[]): string => lives.map((p) => p.name).join(', ') || 'none';

export function exerciseAssertions(chai: Chai.ChaiStatic, utils: Utils): void {
  const { Assertion } = chai;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- chai's addMethod is untyped
  const add = (name: string, fn: (this: Chai.AssertionStatic, r: ExerciseResult, ...args: any[]) => void): void => {
    Assertion.addMethod(name, function (this: Chai.AssertionStatic, ...args: unknown[]) {
      const r = utils.flag(this, 'object') as ExerciseResult;
      fn.call(this, r, ...args);
    });
  };
  const job = (r: ExerciseResult): string => `Job ${r.exercise.job}`;

  add('createdPods', function (r, n: number) {
    const lives = r.timeline.lifetimes();
    this.assert(lives.length === n,
      `expected ${job(r)} to create exactly #{exp} pod(s), it created #{act}: ${names(lives)}${context(r)}`,
      `expected ${job(r)} not to create #{act} pod(s)${context(r)}`, n, lives.length);
  });

  add('activeAtOnce', function (r, n: number) {
    const max = r.timeline.maxConcurrentActive();
    this.assert(max.count === n,
      `expected at most and at some point exactly #{exp} pod(s) of ${job(r)} active at once, but the most was #{act} (at ${secs(max.at)}: ${max.names.join(', ')})${context(r)}`,
      `expected ${job(r)} never to have #{exp} pods active at once${context(r)}`, n, max.count);
  });

  add('sequentialPods', function (r) {
    const overlaps = r.timeline.overlaps();
    const first = overlaps[0];
    const detail = first ? `${first.later.name} was created at ${secs(first.later.createdAt)} while ${first.earlier.name} had not finished (finished ${secs(first.earlier.finishedAt ?? first.earlier.deletedAt)})` : '';
    this.assert(overlaps.length === 0 && r.timeline.lifetimes().length > 0,
      `expected the pods of ${job(r)} to run one after another, but ${detail || 'no pod ran'}${context(r)}`,
      `expected the pods of ${job(r)} to overlap (run in parallel), but each started only after the previous one finished${context(r)}`);
  });

  add('podsCreatedWithin', function (r, ms: number) {
    const lives = r.timeline.lifetimes();
    const spread = lives.length ? Math.max(...lives.map((p) => p.createdAt)) - Math.min(...lives.map((p) => p.createdAt)) : 0;
    this.assert(spread <= ms,
      `expected the pods of ${job(r)} to be created together (within #{exp} ms), but they were spread over #{act} ms${context(r)}`,
      `expected the pods of ${job(r)} to be created apart, but all came within ${spread} ms${context(r)}`, ms, spread);
  });

  add('allPodsPhase', function (r, phase: string) {
    const lives = r.timeline.lifetimes();
    const others = lives.filter((p) => p.phase !== phase);
    this.assert(lives.length > 0 && others.length === 0,
      `expected every pod of ${job(r)} to end #{exp}, but ${others.map((p) => `${p.name} is ${p.phase}`).join(', ') || 'there were no pods'}${context(r)}`,
      `expected some pod of ${job(r)} not to end #{exp}${context(r)}`, phase, others.map((p) => p.phase));
  });

  add('podStatuses', function (r, statuses: string[]) {
    const lives = r.timeline.lifetimes();
    // The kubelet writes CrashLoopBackOff into the pod status only at its next pod sync (10–15 s
    // after it decided to back off), but records its BackOff event at once: either shows it.
    const shown = (pod: PodLifetime, status: string): boolean => pod.statuses.includes(status)
      || (eventEvidence[status] ?? []).some((reason) => r.timeline.eventReasons(pod.name).includes(reason));
    const missing = lives.flatMap((p) => statuses.filter((s) => !shown(p, s)).map((s) => `${p.name} never showed ${s} (it showed ${p.statuses.join('→')}; events ${r.timeline.eventReasons(p.name).join(', ') || 'none'})`));
    this.assert(lives.length > 0 && missing.length === 0,
      `expected every pod of ${job(r)} to show ${statuses.join(' and ')}, but ${missing.join('; ') || 'there were no pods'}${context(r)}`,
      `expected no pod of ${job(r)} to show ${statuses.join(' and ')}${context(r)}`);
  });

  add('containerTerminated', function (r, reason: string, exitCode: number) {
    const pods = r.timeline.pods;
    const lives = r.timeline.lifetimes();
    const bad = lives.filter((life) => !pods.some((p) => p.name === life.name && p.containers.some((c) =>
      (c.state === 'terminated' && c.reason === reason && c.exitCode === exitCode)
      || (c.lastTerminated?.reason === reason && c.lastTerminated.exitCode === exitCode))));
    this.assert(lives.length > 0 && bad.length === 0,
      `expected the container of every pod of ${job(r)} to terminate with ${reason} (exit ${exitCode}), but ${bad.map((p) => `${p.name} exited with ${p.exitCodes.join('/') || 'nothing'} (statuses ${p.statuses.join('→')})`).join('; ') || 'there were no pods'}${context(r)}`,
      `expected no container of ${job(r)} to terminate with ${reason} (exit ${exitCode})${context(r)}`);
  });

  add('restartsBetween', function (r, min: number, max: number) {
    const most = Math.max(0, ...r.timeline.lifetimes().map((p) => p.restarts));
    this.assert(most >= min && most <= max,
      `expected the containers of ${job(r)} to restart between ${min} and ${max} times, but the most was #{act}${context(r)}`,
      `expected the restarts of ${job(r)} not to be between ${min} and ${max}, but the most was #{act}${context(r)}`, `${min}..${max}`, most);
  });

  add('jobCondition', function (r, type: string, reason?: string) {
    const seen = r.timeline.firstCondition(type, reason);
    const all = [...new Set(r.timeline.jobs.flatMap((j) => j.conditions.filter((c) => c.status === 'True').map((c) => `${c.type}/${c.reason ?? ''}`)))];
    const wanted = reason ? `${type} with reason ${reason}` : type;
    this.assert(seen !== undefined,
      `expected ${job(r)} to reach condition ${wanted}, but its conditions were: ${all.join(', ') || 'none'}${context(r)}`,
      `expected ${job(r)} never to reach condition ${wanted}, but it did at ${secs(seen?.at)} (${seen?.condition.message ?? ''})${context(r)}`);
  });

  add('jobConditionAfter', function (r, type: string, from: number, to: number) {
    const seen = r.timeline.firstCondition(type);
    const start = r.timeline.jobs.find((j) => j.startTime)?.startTime;
    const at = seen?.condition.lastTransitionTime;
    const after = start && at ? (at.getTime() - start.getTime()) / 1000 : undefined;
    this.assert(after !== undefined && after >= from && after <= to,
      `expected ${job(r)} to reach ${type} between ${from} and ${to} s after its startTime, but ${after === undefined ? `it never did (startTime ${start?.toISOString() ?? 'unset'})` : `it did after ${after} s`}${context(r)}`,
      `expected ${job(r)} not to reach ${type} between ${from} and ${to} s after its startTime${context(r)}`);
  });

  add('completeAfterLastPod', function (r) {
    const complete = r.timeline.firstCondition('Complete');
    const lastEnd = Math.max(...r.timeline.lifetimes().map((p) => p.finishedAt ?? p.deletedAt ?? Infinity));
    this.assert(complete !== undefined && complete.at >= lastEnd,
      `expected ${job(r)} to be Complete only after its last pod ended (${secs(lastEnd)}), but it was Complete at ${secs(complete?.at)}${context(r)}`,
      `expected ${job(r)} to be Complete before its last pod ended${context(r)}`);
  });

  add('jobStatus', function (r, expected: { succeeded?: number; failed?: number; active?: number }) {
    const last = r.timeline.lastJob();
    const actual = { succeeded: last?.succeeded, failed: last?.failed, active: last?.active };
    const differs = (Object.keys(expected) as (keyof typeof expected)[]).filter((k) => expected[k] !== actual[k]);
    this.assert(last !== undefined && differs.length === 0,
      `expected ${job(r)} to end with status ${JSON.stringify(expected)}, but ${differs.map((k) => `${k} is ${actual[k]}`).join(', ') || 'no Job was seen'}${context(r)}`,
      `expected ${job(r)} not to end with status ${JSON.stringify(expected)}${context(r)}`, expected, actual);
  });

  add('podsDeleted', function (r) {
    const lives = r.timeline.lifetimes();
    const kept = lives.filter((p) => p.deletedAt === undefined);
    this.assert(lives.length > 0 && kept.length === 0,
      `expected every pod of ${job(r)} to be deleted, but ${names(kept)} remained${context(r)}`,
      `expected the pods of ${job(r)} to be kept, but ${names(lives.filter((p) => p.deletedAt !== undefined))} were deleted${context(r)}`);
  });

  add('podLogs', function (r, expected: string) {
    const logs = [...r.logs.entries()];
    const wrong = logs.filter(([, log]) => log !== expected);
    this.assert(logs.length > 0 && wrong.length === 0,
      `expected every pod of ${job(r)} to print #{exp}, but ${wrong.map(([pod, log]) => `${pod} printed ${JSON.stringify(log)}`).join('; ') || 'no pod log was available'}${context(r)}`,
      `expected no pod of ${job(r)} to print #{exp}${context(r)}`, expected, wrong[0]?.[1]);
  });
}
