/**
 * Flaky or firm: a lesson verified N times (each run in a fresh namespace) becomes one report whose
 * findings say in how many runs they were seen. A finding of every run stands as it is; an error
 * seen in some runs only is a timing-sensitive sentence, not a wrong lesson: it becomes a warning
 * that says so and how to make the lesson hold every time. Pure: reports in, report out.
 */
import type { Finding } from '../findings/finding.ts';
import type { VerificationReport } from '../report/verification-report.ts';

/** Findings that are the same in two runs (or on two versions): same place, same kind, times aside. */
export const findingKey = (f: Finding): string => `${f.exercise}\u0000${f.line}\u0000${f.severity === 'info' ? 'info' : 'problem'}\u0000${f.title.replace(/\d+(\.\d+)?\s*s\b/g, 'N s')}`;

export function mergeRuns(reports: VerificationReport[]): VerificationReport {
  const last = reports.at(-1);
  if (!last) throw new TypeError('Expected at least one report to merge');
  const runs = reports.length;
  if (runs === 1) return last;
  const seen = new Map<string, { finding: Finding; runs: Set<number> }>();
  reports.forEach((report, run) => {
    for (const f of report.exercises.flatMap((e) => e.findings)) {
      const entry = seen.get(findingKey(f)) ?? { finding: f, runs: new Set<number>() };
      entry.runs.add(run);
      seen.set(findingKey(f), entry);
    }
  });
  const merged = (exercise: string): Finding[] => [...seen.values()].filter((e) => e.finding.exercise === exercise).map(({ finding, runs: inRuns }) => {
    const k = inRuns.size;
    const count = `seen in ${k} of ${runs} runs`;
    if (k === runs || finding.severity === 'info') return { ...finding, title: `${finding.title} (${count})` };
    return {
      ...finding,
      severity: finding.severity === 'error' ? 'warning' : finding.severity,
      title: `flaky: ${finding.title} (${count})`,
      suggestion: `The lesson holds in ${runs - k} of ${runs} runs: this depends on timing. Give the claim a range (e.g. in 1..3), or add a command that waits (kubectl wait --for=condition=…) before this line.\n${finding.suggestion}`,
    };
  });
  return {
    ...last,
    durationMs: reports.reduce((sum, r) => sum + r.durationMs, 0),
    exercises: last.exercises.map((e) => ({ ...e, findings: merged(e.title) })),
  };
}
