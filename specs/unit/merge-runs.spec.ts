// --runs N: findings of every run stand; errors of some runs only become warnings that say so.
import { expect } from 'chai';
import { mergeRuns } from '../../src/course/merge-runs.ts';
import type { Finding } from '../../src/findings/finding.ts';
import type { VerificationReport } from '../../src/report/verification-report.ts';

const finding = (line: number, title: string, severity: Finding['severity'] = 'error'): Finding =>
  ({ severity, file: 'l.md', line, exercise: 'E', title, lessonSays: 'a', clusterDid: 'b', suggestion: 'fix it' });
const run = (...findings: Finding[]): VerificationReport => ({
  lesson: 'l.md', startedAt: 0, durationMs: 1_000, cluster: { provider: 'local', version: 'v1.34.12' },
  exercises: [{ title: 'E', line: 1, durationMs: 1_000, commands: [], pods: [], findings }],
});

describe('merging repeated runs (--runs N)', () => {
  it('keeps a finding of every run, labelled; turns an error of some runs into a flaky warning', () => {
    const merged = mergeRuns([
      run(finding(10, 'output differs'), finding(20, 'claim not true: pod.restarts')),
      run(finding(10, 'output differs'), finding(30, 'output appeared after 4 s', 'info')),
      run(finding(10, 'output differs'), finding(30, 'output appeared after 7 s', 'info')),
    ]);
    const findings = merged.exercises[0]?.findings ?? [];
    expect(findings.map((f) => [f.line, f.severity, f.title])).to.deep.equal([
      [10, 'error', 'output differs (seen in 3 of 3 runs)'],
      [20, 'warning', 'flaky: claim not true: pod.restarts (seen in 1 of 3 runs)'],
      [30, 'info', 'output appeared after 4 s (seen in 2 of 3 runs)'],
    ]);
    expect(findings[1]?.suggestion).to.match(/holds in 2 of 3 runs: this depends on timing/);
    expect(merged.durationMs).to.equal(3_000);
  });
  it('one run is that run', () => {
    const only = run(finding(1, 'x'));
    expect(mergeRuns([only])).to.equal(only);
  });
});
