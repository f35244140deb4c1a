/**
 * The course view of many lessons' reports: one row per lesson (result, findings by severity, time,
 * link to its own report) as an HTML index page, Markdown, a JUnit file with one testsuite per
 * lesson, a JSON summary and a terminal table. The exit code comes from the worst lesson.
 */
import type { CourseReport, CourseResult } from '../course/verify-course.ts';
import { escapeMarkdownCell, escapeXml as esc } from './escape.ts';
import { allFindings, countBySeverity, exercisePassed } from './verification-report.ts';

/** What the index pages say about the run as a whole; a course run's report is one, and so is a merge of shards. */
export type CourseSummary = Pick<CourseReport, 'startedAt' | 'durationMs' | 'cluster'>;

export interface CourseRow {
  lesson: string;
  result: 'pass' | 'fail' | 'broken';
  errors: number;
  warnings: number;
  infos: number;
  seconds: number;
  /** Path of the lesson's own HTML report, relative to the index. */
  link?: string;
  /** Why a lesson could not be verified at all. */
  problem?: string;
}

export function courseRows(course: CourseReport, links: Record<string, string> = {}): CourseRow[] {
  return course.results.map((r) => row(r, links[r.lesson]));
}

function row(result: CourseResult, link: string | undefined): CourseRow {
  if (!result.report) return { lesson: result.lesson, result: 'broken', errors: 1, warnings: 0, infos: 0, seconds: 0, problem: result.error ?? 'not verified' };
  const counts = countBySeverity(allFindings(result.report));
  const passed = result.report.exercises.every(exercisePassed);
  return { lesson: result.lesson, result: passed ? 'pass' : 'fail', errors: counts.error, warnings: counts.warning, infos: counts.info, seconds: result.report.durationMs / 1000, ...(link ? { link } : {}) };
}

/** 0 when every lesson passed, 1 when one has an error finding, 2 when one could not be verified. */
export function courseExitCode(rows: CourseRow[]): number {
  return rows.some((r) => r.result === 'broken') ? 2 : rows.some((r) => r.result === 'fail') ? 1 : 0;
}

const label = { pass: '✓ pass', fail: '✗ fail', broken: '⚠ not verified' } as const;

export function courseTerminalTable(course: CourseSummary, rows: CourseRow[]): string {
  const width = Math.max(6, ...rows.map((r) => r.lesson.length));
  const lines = [
    `course on ${course.cluster.provider} ${course.cluster.version}: ${rows.filter((r) => r.result === 'pass').length}/${rows.length} lessons pass (${(course.durationMs / 1000).toFixed(1)} s)`,
    `${'lesson'.padEnd(width)}  result           errors  warnings  info   time`,
    ...rows.map((r) => `${r.lesson.padEnd(width)}  ${label[r.result].padEnd(15)}  ${String(r.errors).padStart(6)}  ${String(r.warnings).padStart(8)}  ${String(r.infos).padStart(4)}  ${r.seconds.toFixed(1).padStart(5)}s${r.problem ? `\n${' '.repeat(width + 2)}${r.problem.split('\n')[0] ?? ''}` : ''}`),
  ];
  return `${lines.join('\n')}\n`;
}

export function courseMarkdown(course: CourseSummary, rows: CourseRow[]): string {
  return [
    `# Course verification — ${rows.filter((r) => r.result === 'pass').length}/${rows.length} lessons pass`,
    '',
    `${course.cluster.provider} ${course.cluster.version}, ${new Date(course.startedAt).toISOString()}, ${(course.durationMs / 1000).toFixed(1)} s`,
    '',
    '| lesson | result | errors | warnings | info | time |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.link ? `[${escapeMarkdownCell(r.lesson)}](${encodeURI(r.link.replace(/\.html$/, '.md'))})` : escapeMarkdownCell(r.lesson)} | ${label[r.result]}${r.problem ? `: ${escapeMarkdownCell(r.problem.split('\n')[0] ?? '')}` : ''} | ${r.errors} | ${r.warnings} | ${r.infos} | ${r.seconds.toFixed(1)} s |`),
    '',
  ].join('\n');
}

export function courseHtml(course: CourseSummary, rows: CourseRow[]): string {
  const body = rows.map((r) => `<tr class="${r.result}"><td>${r.link ? `<a href="${esc(encodeURI(r.link))}">${esc(r.lesson)}</a>` : esc(r.lesson)}</td><td>${esc(label[r.result])}${r.problem ? `<pre>${esc(r.problem)}</pre>` : ''}</td><td>${r.errors}</td><td>${r.warnings}</td><td>${r.infos}</td><td>${r.seconds.toFixed(1)} s</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Course verification</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}tr.pass td:nth-child(2){color:#43a047}tr.fail td:nth-child(2),tr.broken td:nth-child(2){color:#e53935}pre{white-space:pre-wrap;margin:0}</style>
</head><body>
<h1>Course verification — ${rows.filter((r) => r.result === 'pass').length}/${rows.length} lessons pass</h1>
<p>${esc(course.cluster.provider)} ${esc(course.cluster.version)}, ${new Date(course.startedAt).toISOString()}, ${(course.durationMs / 1000).toFixed(1)} s</p>
<table><thead><tr><th>lesson</th><th>result</th><th>errors</th><th>warnings</th><th>info</th><th>time</th></tr></thead><tbody>
${body}
</tbody></table></body></html>
`;
}

/** One testsuite per lesson, one testcase per exercise (failed when it has an error finding). */
export function courseJunit(course: CourseReport): string {
  const suites = course.results.map((r) => {
    if (!r.report) {
      return `  <testsuite name="${esc(r.lesson)}" tests="1" failures="0" errors="1" time="0"><testcase name="lesson" classname="${esc(r.lesson)}"><error message="${esc((r.error ?? '').split('\n')[0] ?? '')}">${esc(r.error ?? '')}</error></testcase></testsuite>`;
    }
    const cases = r.report.exercises.map((e) => {
      const errors = e.findings.filter((f) => f.severity === 'error');
      const failure = exercisePassed(e) ? '' : `<failure message="${esc(`${errors.length} error finding(s)`)}">${esc(errors.map((f) => `${f.file}:${f.line}: ${f.title}`).join('\n'))}</failure>`;
      return `    <testcase name="${esc(e.title)}" classname="${esc(r.lesson)}" time="${(e.durationMs / 1000).toFixed(3)}">${failure}</testcase>`;
    });
    const failures = r.report.exercises.filter((e) => !exercisePassed(e)).length;
    return `  <testsuite name="${esc(r.lesson)}" tests="${cases.length}" failures="${failures}" errors="0" time="${(r.report.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="course" time="${(course.durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function courseJson(course: CourseSummary, rows: CourseRow[]): string {
  return `${JSON.stringify({ startedAt: new Date(course.startedAt).toISOString(), durationMs: course.durationMs, cluster: course.cluster, exitCode: courseExitCode(rows), lessons: rows }, null, 2)}\n`;
}
