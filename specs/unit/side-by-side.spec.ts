// The report's side-by-side view of a finding (lesson left, cluster right) and its TODO list.
import { expect } from 'chai';
import type { Finding } from '../../src/findings/finding.ts';
import { htmlReport } from '../../src/report/html-report.ts';
import { markdownReport } from '../../src/report/markdown-report.ts';
import { findingSides, sideBySide } from '../../src/report/side-by-side.ts';
import type { VerificationReport } from '../../src/report/verification-report.ts';

const base: Finding = { severity: 'error', file: 'l.md', line: 7, exercise: 'A', title: 'output differs', lessonSays: 'job.batch/job-2 created', clusterDid: 'job.batch/job-2 unchanged', suggestion: 'Replace the line' };

describe('side-by-side diff of a finding', () => {
  it('pairs removed and added lines, keeps equal lines on both sides, numbers the lesson side', () => {
    const rows = sideBySide(['a', 'b', 'c'], ['a', 'B', 'c', 'd'], 10);
    expect(rows.map((r) => [r.left?.line, r.left?.kind, r.left?.text, r.right?.kind, r.right?.text])).to.deep.equal([
      [10, 'same', 'a', 'same', 'a'], [11, 'removed', 'b', 'added', 'B'], [12, 'same', 'c', 'same', 'c'], [undefined, undefined, undefined, 'added', 'd'],
    ]);
  });

  it('shows what --fix writes for a finding with a line fix, what was said and done otherwise', () => {
    const fixable: Finding = { ...base, fix: [{ kind: 'lines', line: 7, endLine: 7, original: ['job.batch/job-2 created'], replacement: ['job.batch/job-2 unchanged'] }] };
    expect(findingSides(fixable)).to.deep.equal({ left: ['job.batch/job-2 created'], right: ['job.batch/job-2 unchanged'], firstLine: 7 });
    expect(findingSides({ ...base, lessonSays: 'pods == 10', clusterDid: 'pods is 5' })).to.deep.equal({ left: ['pods == 10'], right: ['pods is 5'] });
  });

  const report: VerificationReport = {
    lesson: 'l.md', startedAt: 0, durationMs: 1, cluster: { provider: 'local', version: 'v1' },
    exercises: [{ title: 'A', line: 1, durationMs: 1, commands: [], pods: [], findings: [
      { ...base, fix: [{ kind: 'lines', line: 7, endLine: 7, original: ['job.batch/job-2 created'], replacement: ['job.batch/job-2 <unchanged>'] }] },
      { ...base, line: 9, title: 'claim not true: pods', lessonSays: 'pods == 10', clusterDid: 'pods is 5', suggestion: 'correct the prose' },
    ] }],
  };

  it('the HTML report renders both sides, escaped, marks removed and added lines and lists the TODOs', () => {
    const html = htmlReport(report);
    expect(html).to.contain('<td class="n">7</td><td class="removed">job.batch/job-2 created</td><td class="n"></td><td class="added">job.batch/job-2 &lt;unchanged&gt;</td>');
    expect(html).to.contain('fixable with --fix');
    expect(html).to.contain('1 finding fixable with <code>lesson-verify --fix</code>; 1 left for you:');
    expect(html).to.match(/<ul class="todo"><li><span class="sev error">error<\/span> l\.md:9 claim not true: pods — correct the prose<\/li><\/ul>/);
  });

  it('the Markdown report has the TODO list as tasks', () => {
    const md = markdownReport(report);
    expect(md).to.contain('1 finding fixable with `lesson-verify --fix`; 1 left for you:\n\n- [ ] [l.md:9](l.md#L9) error: claim not true: pods — correct the prose\n');
    expect(md).to.contain('| output differs (fixable) |');
  });
});
