/**
 * A single self-contained HTML page (inline CSS and SVG, nothing fetched) so it can be attached
 * to a CI run or mailed to a course author and still open offline.
 */
import type { Finding } from '../findings/finding.ts';
import { escapeXml as esc } from './escape.ts';
import { findingSides, sideBySide, type SideCell } from './side-by-side.ts';
import { svgTimeline } from './svg-timeline.ts';
import { allFindings, countBySeverity, exercisePassed, sortFindings, stoppedSummary, type ExerciseReport, type VerificationReport } from './verification-report.ts';

const CSS = `
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
.meta{color:#555}.summary span{display:inline-block;margin-right:.5rem;padding:.2rem .6rem;border-radius:1rem;color:#fff}
.error{background:#e53935}.warning{background:#f9a825}.info{background:#1e88e5}.pass{color:#43a047}.fail{color:#e53935}
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #ddd;padding:.3rem .5rem;vertical-align:top;text-align:left}
td.sev{color:#fff;font-weight:bold}pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:.85rem}td{overflow-wrap:anywhere}
details pre{background:#f6f8fa;padding:.5rem}svg{max-width:100%;height:auto;margin-top:1rem}
table.sbs{font-family:ui-monospace,monospace;font-size:.8rem;table-layout:fixed}table.sbs td{border:none;padding:0 .4rem;white-space:pre-wrap}
table.sbs th{font-weight:normal;color:#555;border:none;border-bottom:1px solid #ddd}td.n{color:#888;text-align:right}col.n{width:2.5rem}td.sbs-cell{width:55%}
div.stopped{border:2px solid #cf222e;background:#fff5f5;padding:.5rem 1rem;margin:1rem 0}
td.removed{background:#ffebe9}td.added{background:#e6ffec}.fixable{color:#1a7f37;font-size:.8rem}
`;

export function htmlReport(report: VerificationReport): string {
  const counts = countBySeverity(allFindings(report));
  const when = new Date(report.startedAt).toISOString();
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Lesson verification: ${esc(report.lesson)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>Lesson verification: ${esc(report.lesson)}</h1>
<p class="meta">Cluster ${esc(report.cluster.provider)} ${esc(report.cluster.version)} · started ${esc(when)} · took ${seconds(report.durationMs)}</p>
${report.stopped ? `<div class="stopped"><p><strong>${esc(stoppedSummary(report.stopped))}</strong></p><pre>${esc(report.stopped.message)}</pre></div>` : ''}
<p class="summary"><span class="error">${counts.error} error${counts.error === 1 ? '' : 's'}</span><span class="warning">${counts.warning} warning${counts.warning === 1 ? '' : 's'}</span><span class="info">${counts.info} info</span></p>
${todoSection(allFindings(report))}
${report.exercises.map(exerciseSection).join('\n')}
</body>
</html>
`;
}

function exerciseSection(exercise: ExerciseReport): string {
  const passed = exercisePassed(exercise);
  const expectations = exercise.expectations ?? [];
  return `<section>
<h2><span class="${passed ? 'pass' : 'fail'}">${passed ? '✓' : '✗'}</span> ${esc(exercise.title)} <small class="meta">line ${exercise.line} · ${seconds(exercise.durationMs)}</small></h2>
${findingsTable(sortFindings(exercise.findings))}
${expectations.length === 0 ? '' : `<ul>${expectations.map((x) => `<li class="${x.ok ? 'pass' : 'fail'}">${x.ok ? '✓' : '✗'} line ${x.line}: <code>${esc(x.expression)}</code> ${esc(x.message)}</li>`).join('')}</ul>`}
${exercise.pods.length === 0 ? '' : svgTimeline(exercise.pods, { title: `Pods of “${exercise.title}”` })}
<details><summary>Commands (${exercise.commands.length})</summary>
${exercise.commands.map((c) => `<p>line ${c.line} · exit ${c.exitCode}</p><pre>$ ${esc(c.command)}\n${esc(c.output)}</pre>`).join('\n')}
</details>
</section>`;
}

function findingsTable(findings: Finding[]): string {
  if (findings.length === 0) return '<p class="pass">No findings.</p>';
  const rows = findings.map((f) => `<tr><td>${esc(`${f.file}:${f.line}`)}</td><td class="sev ${f.severity}">${f.severity}</td><td>${esc(f.title)}${f.fix?.length ? '<br><span class="fixable">fixable with --fix</span>' : ''}</td><td class="sbs-cell">${diffTable(f)}</td><td><pre>${esc(f.suggestion)}</pre></td></tr>`);
  return `<table>
<thead><tr><th>Line</th><th>Severity</th><th>Finding</th><th>Lesson vs cluster</th><th>Suggestion</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`;
}

/** Lesson on the left, cluster on the right, as a code review shows a change. */
function diffTable(f: Finding): string {
  const { left, right, firstLine } = findingSides(f);
  const cell = (c: SideCell | undefined): string => (c ? `<td class="n">${c.line ?? ''}</td><td class="${c.kind}">${esc(c.text)}</td>` : '<td class="n"></td><td></td>');
  const rows = sideBySide(left, right, firstLine).map((r) => `<tr>${cell(r.left)}${cell(r.right)}</tr>`);
  return `<table class="sbs"><colgroup><col class="n"><col><col class="n"><col></colgroup><thead><tr><th colspan="2">lesson</th><th colspan="2">cluster${f.fix?.length ? ' (--fix writes)' : ''}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** What --fix cannot do: errors and warnings without a mechanical fix. */
function todoSection(findings: Finding[]): string {
  const todo = sortFindings(findings.filter((f) => f.severity !== 'info' && !f.fix?.length));
  const fixable = findings.filter((f) => f.fix?.length).length;
  const head = `<p class="meta">${fixable} finding${fixable === 1 ? '' : 's'} fixable with <code>lesson-verify --fix</code>; ${todo.length} left for you:</p>`;
  if (todo.length === 0) return head;
  return `${head}<ul class="todo">${todo.map((f) => `<li><span class="sev ${f.severity}">${f.severity}</span> ${esc(`${f.file}:${f.line}`)} ${esc(f.title)} — ${esc(f.suggestion.split('\n')[0] ?? '')}</li>`).join('')}</ul>`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
