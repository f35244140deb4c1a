/**
 * The version matrix as the author reads it: a table lesson × version (result, finding counts,
 * time) with a "holds on" badge per lesson, then each lesson's findings grouped as "on every
 * version" or "only on 1.35", with a form that holds on all versions where they disagree. Written
 * as a terminal table, Markdown, HTML, JUnit (one testsuite per version) and JSON.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { escapeMarkdownCell, escapeXml as esc } from '../report/escape.ts';
import { exercisePassed } from '../report/verification-report.ts';
import { minorOf, versionMatrix, type MatrixCell, type MatrixLesson, type VersionedFinding, type VersionMatrix, type VersionCourse } from './version-matrix.ts';

const mark = { pass: '✓', fail: '✗', broken: '⚠' } as const;
const cellText = (c: MatrixCell): string => `${mark[c.result]} ${c.errors}E ${c.warnings}W ${c.seconds.toFixed(0)}s`;
const where = (f: VersionedFinding): string => (f.everywhere ? 'on every version' : f.seenOnAll ? 'on every version, not alike' : `only on ${f.versions.map(minorOf).join(', ')}`);

/** 0 when every lesson passes on every version; else the worst (2: a lesson could not be verified). */
export function matrixExitCode(matrix: VersionMatrix): number {
  const cells = matrix.lessons.flatMap((l) => l.cells);
  return cells.some((c) => c.result === 'broken') ? 2 : cells.some((c) => c.result === 'fail') ? 1 : 0;
}

export function matrixTerminal(matrix: VersionMatrix): string {
  const width = Math.max(6, ...matrix.lessons.map((l) => l.lesson.length));
  const col = 16;
  const lines = [
    `version matrix: ${matrix.lessons.length} lesson(s) × ${matrix.versions.length} version(s) (${(matrix.durationMs / 1000).toFixed(1)} s)`,
    `${'lesson'.padEnd(width)}  ${matrix.versions.map((v) => v.padEnd(col)).join('')}holds on`,
    ...matrix.lessons.map((l) => `${l.lesson.padEnd(width)}  ${l.cells.map((c) => cellText(c).padEnd(col)).join('')}${l.holdsOn.replace(/^holds on /, '')}`),
  ];
  for (const lesson of matrix.lessons) {
    const problems = lesson.findings.filter((f) => f.finding.severity !== 'info');
    if (problems.length === 0) continue;
    lines.push('', `${lesson.lesson} — ${lesson.holdsOn}`);
    for (const f of problems) {
      lines.push(`  ${f.finding.file}:${f.finding.line} ${f.finding.severity} ${f.finding.title} (${where(f)})`);
      if (f.holdsOnAll) lines.push(`    holds on every version: ${f.holdsOnAll.split('\n').join(' ⏎ ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function matrixMarkdown(matrix: VersionMatrix): string {
  const out = [
    '# Version matrix',
    '',
    `${matrix.lessons.length} lesson(s) on ${matrix.versions.join(', ')} (${(matrix.durationMs / 1000).toFixed(1)} s)`,
    '',
    `| lesson | ${matrix.versions.map(minorOf).join(' | ')} | holds on |`,
    `| --- |${' --- |'.repeat(matrix.versions.length)} --- |`,
    ...matrix.lessons.map((l) => `| ${escapeMarkdownCell(l.lesson)} | ${l.cells.map((c) => escapeMarkdownCell(cellText(c))).join(' | ')} | ${escapeMarkdownCell(l.holdsOn.replace(/^holds on /, ''))} |`),
  ];
  for (const lesson of matrix.lessons) {
    const problems = lesson.findings.filter((f) => f.finding.severity !== 'info');
    if (problems.length === 0) continue;
    out.push('', `## ${lesson.lesson} — ${lesson.holdsOn}`, '');
    for (const group of groups(problems)) {
      out.push(`### ${group.title}`, '');
      for (const f of group.findings) {
        out.push(`- **${f.finding.severity}** line ${f.finding.line}: ${f.finding.title}`);
        for (const c of f.clusterDid) out.push(`  - ${minorOf(c.version)} printed: \`${c.text.split('\n')[0] ?? ''}\`${c.text.includes('\n') ? ' …' : ''}`);
        if (f.holdsOnAll) out.push('  - a form that holds on every version:', '', '    ```', ...f.holdsOnAll.split('\n').map((l) => `    ${l}`), '    ```');
      }
      out.push('');
    }
  }
  return `${out.join('\n')}\n`;
}

/** "on every version" first, then one group per set of versions. */
function groups(findings: VersionedFinding[]): { title: string; findings: VersionedFinding[] }[] {
  const byTitle = new Map<string, VersionedFinding[]>();
  for (const f of [...findings].sort((a, b) => Number(b.everywhere) - Number(a.everywhere))) byTitle.set(where(f), [...(byTitle.get(where(f)) ?? []), f]);
  return [...byTitle].map(([title, list]) => ({ title, findings: list }));
}

export function matrixHtml(matrix: VersionMatrix, links: Record<string, Record<string, string>> = {}): string {
  const cell = (l: MatrixLesson, c: MatrixCell): string => {
    const link = links[c.version]?.[l.lesson];
    const text = esc(cellText(c));
    return `<td class="${c.result}">${link ? `<a href="${esc(encodeURI(link))}">${text}</a>` : text}</td>`;
  };
  const sections = matrix.lessons.filter((l) => l.findings.some((f) => f.finding.severity !== 'info')).map((l) => {
    const items = groups(l.findings.filter((f) => f.finding.severity !== 'info')).map((g) => `<h3>${esc(g.title)}</h3><ul>${g.findings.map((f) => `<li><b>${esc(f.finding.severity)}</b> line ${f.finding.line}: ${esc(f.finding.title)}${
      f.clusterDid.map((c) => `<div>${esc(minorOf(c.version))} printed:<pre>${esc(c.text)}</pre></div>`).join('')}${f.holdsOnAll ? `<div>a form that holds on every version:<pre>${esc(f.holdsOnAll)}</pre></div>` : ''}</li>`).join('')}</ul>`).join('');
    return `<h2>${esc(l.lesson)} <span class="badge">${esc(l.holdsOn)}</span></h2>${items}`;
  }).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Version matrix</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem}table{border-collapse:collapse;width:100%}th,td{border:1px solid #ddd;padding:.3rem .5rem;text-align:left}td.pass{color:#2e7d32}td.fail,td.broken{color:#c62828}pre{white-space:pre-wrap;background:#f6f8fa;padding:.3rem;margin:.2rem 0}.badge{font-size:.8em;background:#eceff1;border-radius:1em;padding:.1em .6em}</style>
</head><body>
<h1>Version matrix</h1>
<p>${matrix.lessons.length} lesson(s) on ${esc(matrix.versions.join(', '))}, ${(matrix.durationMs / 1000).toFixed(1)} s</p>
<table><thead><tr><th>lesson</th>${matrix.versions.map((v) => `<th>${esc(v)}</th>`).join('')}<th>holds on</th></tr></thead><tbody>
${matrix.lessons.map((l) => `<tr><td>${esc(l.lesson)}</td>${l.cells.map((c) => cell(l, c)).join('')}<td>${esc(l.holdsOn.replace(/^holds on /, ''))}</td></tr>`).join('\n')}
</tbody></table>
${sections}
</body></html>
`;
}

/** One testsuite per version; a testcase per lesson exercise, named after the lesson and the exercise. */
export function matrixJunit(runs: VersionCourse[]): string {
  const suites = runs.map(({ version, course }) => {
    const cases = course.results.flatMap((r) => {
      if (!r.report) return [`    <testcase name="${esc(r.lesson)}" classname="${esc(`${version}.${r.lesson}`)}"><error message="${esc((r.error ?? '').split('\n')[0] ?? '')}">${esc(r.error ?? '')}</error></testcase>`];
      return r.report.exercises.map((e) => {
        const errors = e.findings.filter((f) => f.severity === 'error');
        const failure = exercisePassed(e) ? '' : `<failure message="${esc(`${errors.length} error finding(s) on ${version}`)}">${esc(errors.map((f) => `${f.file}:${f.line}: ${f.title}`).join('\n'))}</failure>`;
        return `    <testcase name="${esc(e.title)}" classname="${esc(`${version}.${r.lesson}`)}" time="${(e.durationMs / 1000).toFixed(3)}">${failure}</testcase>`;
      });
    });
    const failures = course.results.flatMap((r) => r.report?.exercises ?? []).filter((e) => !exercisePassed(e)).length;
    const errors = course.results.filter((r) => !r.report).length;
    return `  <testsuite name="kubernetes ${esc(version)}" tests="${cases.length}" failures="${failures}" errors="${errors}" time="${(course.durationMs / 1000).toFixed(3)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="version matrix">\n${suites.join('\n')}\n</testsuites>\n`;
}

export function matrixJson(matrix: VersionMatrix): string {
  return `${JSON.stringify({
    versions: matrix.versions, durationMs: matrix.durationMs, exitCode: matrixExitCode(matrix),
    lessons: matrix.lessons.map((l) => ({
      lesson: l.lesson, holdsOn: l.holdsOn, cells: l.cells,
      findings: l.findings.map((f) => ({ severity: f.finding.severity, line: f.finding.line, title: f.finding.title, exercise: f.finding.exercise, versions: f.versions, everywhere: f.everywhere, clusterDid: f.clusterDid, ...(f.holdsOnAll ? { holdsOnAll: f.holdsOnAll } : {}) })),
    })),
  }, null, 2)}\n`;
}

/** Writes matrix.html, matrix.md, matrix.junit.xml and matrix.json to `out`; returns their paths. */
export async function writeMatrixReports(runs: VersionCourse[], out: string, links: Record<string, Record<string, string>> = {}): Promise<string[]> {
  const matrix = versionMatrix(runs);
  const files: [string, string][] = [
    ['matrix.html', matrixHtml(matrix, links)], ['matrix.md', matrixMarkdown(matrix)], ['matrix.junit.xml', matrixJunit(runs)], ['matrix.json', matrixJson(matrix)],
  ];
  await mkdir(out, { recursive: true });
  await Promise.all(files.map(([name, text]) => writeFile(path.join(out, name), text)));
  return files.map(([name]) => path.join(out, name));
}
