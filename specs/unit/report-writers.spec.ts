import { expect } from 'chai';
import type { Finding } from '../../src/findings/finding.ts';
import { htmlReport } from '../../src/report/html-report.ts';
import { jsonReport } from '../../src/report/json-report.ts';
import { junitReport } from '../../src/report/junit-report.ts';
import { markdownReport } from '../../src/report/markdown-report.ts';
import { svgTimeline, TIMELINE_COLOURS } from '../../src/report/svg-timeline.ts';
import { terminalSummary } from '../../src/report/terminal-summary.ts';
import type { PodLifetime, VerificationReport } from '../../src/report/verification-report.ts';

const T0 = Date.UTC(2025, 0, 1, 12, 0, 0);
const s = (seconds: number) => T0 + seconds * 1000;

// job-2: one pod after another; job-3: five at once.
const sequential: PodLifetime[] = [0, 1, 2, 3, 4].map((i) => ({ name: `job-2-p${i}xyz`, createdAt: s(i * 8), startedAt: s(i * 8 + 1), finishedAt: s(i * 8 + 7), outcome: 'Succeeded', restarts: 0 }));
const parallel: PodLifetime[] = [0, 1, 2, 3, 4].map((i) => ({ name: `job-3-q${i}xyz`, createdAt: s(0), startedAt: s(1), finishedAt: s(6 + i), outcome: 'Succeeded', restarts: 0 }));
const deleted: PodLifetime = { name: 'job-4-<b>&', createdAt: s(0), startedAt: s(2), finishedAt: s(21), outcome: 'Deleted', restarts: 2 };

const finding = (over: Partial<Finding>): Finding => ({
  severity: 'error', file: 'lessons/kubernetes-jobs.md', line: 55, exercise: 'Countdown', title: 'file name mismatch',
  lessonSays: 'kubectl apply -f countdown.yaml', clusterDid: 'error: the path "countdown.yaml" does not exist', suggestion: 'Rename the file to countdown.yaml', ...over,
});

const report: VerificationReport = {
  lesson: 'lessons/kubernetes-jobs.md',
  startedAt: T0,
  durationMs: 95_000,
  cluster: { provider: 'kind', version: 'v1.34.0' },
  exercises: [
    {
      title: 'Countdown <script>alert(1)</script>',
      line: 23,
      durationMs: 12_000,
      findings: [
        finding({}),
        finding({ severity: 'warning', line: 115, title: 'version-dependent output format', lessonSays: 'a | b & <c>', clusterDid: 'x\ny', suggestion: 'Replace the output with:\nline1\nline2' }),
      ],
      commands: [
        { command: 'kubectl apply -f countdown.yaml', line: 55, exitCode: 1, output: 'error: \u001B[31mred\u001B[0m \u0007bell', durationMs: 300 },
        { command: 'kubectl delete job countdown', line: 111, exitCode: 0, output: 'job.batch "countdown" deleted from default namespace' },
      ],
      pods: [{ name: 'countdown-abcde', createdAt: s(0), startedAt: s(1), finishedAt: s(1.4), outcome: 'Succeeded', restarts: 0 }],
    },
    {
      title: 'Multiple Single Job',
      line: 120,
      durationMs: 45_000,
      findings: [finding({ severity: 'info', line: 171, exercise: 'Multiple Single Job', title: 'watch skipped Pending' })],
      commands: [{ command: 'kubectl apply -f job-2.yaml', line: 143, exitCode: 0, output: 'job.batch/job-2 created' }],
      pods: sequential,
      expectations: [{ expression: 'pods == 5', line: 125, ok: true, message: 'pods == 5: ok (actual 5)' }, { expression: 'pods.max-active == 1', line: 125, ok: false, message: 'expected pods.max-active == 1, cluster had 2' }],
    },
  ],
};

/** [x, width] of every rect of a class, in document order. */
function bars(svg: string, cls: string): [number, number][] {
  return [...svg.matchAll(new RegExp(`<rect class="${cls}" x="([\\d.]+)" y="[\\d.]+" width="([\\d.]+)"`, 'g'))].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('svgTimeline', () => {
  it('draws one row per pod with a title, tooltips and an axis in seconds', () => {
    const svg = svgTimeline(sequential, { title: 'Pods of job-2' });
    expect(svg).to.match(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    expect(svg.trimEnd()).to.match(/<\/svg>$/);
    expect(svg).to.contain('<title>Pods of job-2</title>');
    expect(svg).to.contain('<title>job-2-p0xyz: created +0.0s, started +1.0s, finished +7.0s; Succeeded, 0 restarts</title>');
    expect(bars(svg, 'pending')).to.have.length(5);
    expect(bars(svg, 'succeeded')).to.have.length(5);
    expect(svg).to.contain(`fill="${TIMELINE_COLOURS.succeeded}"`);
    expect(svg).to.match(/>0s<\/text>/).and.match(/>35s<\/text>/);
  });

  it('shows sequential pods as a staircase and parallel pods as overlapping bars', () => {
    const seq = bars(svgTimeline(sequential, { title: 's' }), 'succeeded');
    for (let i = 1; i < seq.length; i++) expect(seq[i]![0]).to.be.greaterThan(seq[i - 1]![0] + seq[i - 1]![1]);
    const par = bars(svgTimeline(parallel, { title: 'p' }), 'succeeded');
    expect(new Set(par.map(([x]) => x)).size).to.equal(1);
  });

  it('hatches deleted pods, colours failed ones and escapes names', () => {
    const failed: PodLifetime = { name: 'f', createdAt: s(0), startedAt: s(1), finishedAt: s(3), outcome: 'Failed', restarts: 0 };
    const svg = svgTimeline([deleted, failed], { title: 'a < b' });
    expect(svg).to.match(/<pattern id="hatch-[a-z0-9]+"/);
    expect(svg).to.match(/<rect class="deleted"[^>]*fill="url\(#hatch-[a-z0-9]+\)"/);
    expect(svg).to.match(new RegExp(`<rect class="failed"[^>]*fill="${TIMELINE_COLOURS.failed}"`));
    expect(svg).to.contain('job-4-&lt;b&gt;&amp;').and.contain('Deleted ↻2').and.contain('a &lt; b');
    expect(svg).not.to.contain('<b>');
  });

  it('says so when there are no pods', () => {
    expect(svgTimeline([], { title: 'none' })).to.contain('>no pods</text>');
  });
});

describe('htmlReport', () => {
  const html = htmlReport(report);

  it('is self-contained: inline CSS and SVG, no external resources', () => {
    expect(html).to.match(/^<!doctype html>/);
    expect(html).to.contain('<style>');
    expect((html.match(/<svg /g) ?? []).length).to.equal(2);
    expect(html).not.to.match(/<link|<script|src=|https:\/\//);
  });

  it('escapes all lesson text and output', () => {
    expect(html).to.contain('Countdown &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).to.contain('a | b &amp; &lt;c&gt;');
    expect(html).not.to.contain('\u001B');
  });

  it('summarises by severity and lists findings with line, lesson, cluster and suggestion', () => {
    expect(html).to.contain('<span class="error">1 error</span><span class="warning">1 warning</span><span class="info">1 info</span>');
    expect(html).to.contain('<td>lessons/kubernetes-jobs.md:55</td><td class="sev error">error</td><td>file name mismatch</td>');
    expect(html).to.contain('<pre>Replace the output with:\nline1\nline2</pre>');
    expect(html).to.contain('✗ line 125: <code>pods.max-active == 1</code>');
  });
});

describe('markdownReport', () => {
  const md = markdownReport(report);

  it('renders findings as a table with escaped cells and jump links', () => {
    expect(md).to.contain('| [lessons/kubernetes-jobs.md:115](lessons/kubernetes-jobs.md#L115) | warning | version-dependent output format | a \\| b &amp; &lt;c&gt; | x<br>y | Replace the output with:<br>line1<br>line2 |');
    expect(md).to.contain('## ✗ Countdown &lt;script&gt;');
    expect(md).to.contain('| 1 | 1 | 1 |');
  });

  it('embeds the SVG in a fence and a text timeline', () => {
    expect(md).to.match(/```svg\n<svg [\s\S]*<\/svg>\n```/);
    const staircase = md.split('\n').filter((l) => l.startsWith('job-2-p'));
    expect(staircase).to.have.length(5);
    const starts = staircase.map((l) => l.indexOf('·'));
    expect(starts).to.deep.equal([...starts].sort((a, b) => a - b));
    expect(new Set(starts).size).to.equal(5);
  });
});

describe('junitReport', () => {
  const xml = junitReport(report);

  it('has a testsuite per exercise and a testcase per command and expectation', () => {
    expect(xml).to.match(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="lessons\/kubernetes-jobs\.md" tests="5" failures="2"/);
    expect((xml.match(/<testsuite /g) ?? []).length).to.equal(2);
    expect((xml.match(/<testcase /g) ?? []).length).to.equal(5);
    expect(xml).to.contain('<testsuite name="Countdown &lt;script&gt;alert(1)&lt;/script&gt;" tests="2" failures="1"');
  });

  it('fails the command a finding belongs to and keeps warnings out of failures', () => {
    expect(xml).to.match(/<testcase name="line 55: kubectl apply -f countdown\.yaml"[^>]*line="55" time="0\.300">\n\s*<failure message="file name mismatch" type="LessonMismatch">/);
    expect(xml).to.match(/<testcase name="line 111: kubectl delete job countdown"[^>]*>\n\s*<system-out>warning lessons\/kubernetes-jobs\.md:115 version-dependent/);
    expect(xml).to.match(/<testcase name="line 125: expect pods\.max-active == 1"[^>]*>\n\s*<failure message="expected pods\.max-active == 1, cluster had 2"/);
  });

  it('contains no control characters', () => {
    // eslint-disable-next-line no-control-regex -- looking for control characters
    expect(xml).not.to.match(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
  });
});

describe('jsonReport', () => {
  it('round-trips the report with a summary', () => {
    const parsed = JSON.parse(jsonReport(report));
    expect(parsed.schemaVersion).to.equal(1);
    expect(parsed.summary).to.deep.equal({ error: 1, warning: 1, info: 1, exercisesPassed: 0, exercisesFailed: 2 });
    expect(parsed.exercises[1].pods).to.deep.equal(sequential);
    expect(parsed.cluster).to.deep.equal({ provider: 'kind', version: 'v1.34.0' });
  });
});

describe('terminalSummary', () => {
  it('puts file:line first and uses no colour when not a TTY', () => {
    const text = terminalSummary(report, { isTTY: false });
    expect(text).not.to.contain('\u001B[');
    const lines = text.split('\n');
    expect(lines[0]).to.equal('lessons/kubernetes-jobs.md on kind v1.34.0: 1 error(s), 1 warning(s), 1 info (95.0 s)');
    expect(lines).to.include('✗ Countdown <script>alert(1)</script> (12.0 s)');
    expect(lines).to.include('  lessons/kubernetes-jobs.md:55 error file name mismatch');
    expect(lines).to.include('      → Replace the output with: …');
    expect(lines).to.include('  lessons/kubernetes-jobs.md:125 expect expected pods.max-active == 1, cluster had 2');
  });

  it('colours when writing to a TTY and marks passing exercises with ✓', () => {
    const passing = { ...report, exercises: [{ ...report.exercises[1]!, expectations: [], findings: [] }] };
    const text = terminalSummary(passing, { isTTY: true });
    expect(text).to.contain('\u001B[32m✓\u001B[0m Multiple Single Job');
  });
});
