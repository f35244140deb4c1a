/**
 * The report as GitHub-flavoured Markdown, for PR comments and CI job summaries.
 *
 * The SVG timeline goes in a collapsed ```svg fence rather than inline: GitHub's sanitiser strips
 * inline <svg> and data: image URIs, so an inline chart would vanish or show as broken; the fence
 * survives any renderer and can be saved as a file. What the chart says at a glance (sequential
 * or parallel, how each pod ended) is repeated as a text bar chart that renders everywhere.
 */
import type { Finding } from '../findings/finding.ts';
import { escapeMarkdownCell as cell } from './escape.ts';
import { svgTimeline } from './svg-timeline.ts';
import { allFindings, countBySeverity, exercisePassed, sortFindings, stoppedSummary, type ExerciseReport, type PodLifetime, type VerificationReport } from './verification-report.ts';

const BAR_WIDTH = 48;
const BAR_CHARS = { pending: '·', Succeeded: '█', Failed: '▓', Deleted: '▒', Running: '=', Pending: '·' } as const;

export function markdownReport(report: VerificationReport): string {
  const counts = countBySeverity(allFindings(report));
  const lines = [
    `# Lesson verification: ${cell(report.lesson)}`,
    '',
    `Cluster ${cell(report.cluster.provider)} ${cell(report.cluster.version)} · started ${new Date(report.startedAt).toISOString()} · took ${seconds(report.durationMs)}`,
    '',
    ...(report.stopped ? [`> **${cell(stoppedSummary(report.stopped))}**`, '>', ...report.stopped.message.split('\n').slice(1).map((l) => `>     ${l}`), ''] : []),
    '| Errors | Warnings | Info |',
    '| --- | --- | --- |',
    `| ${counts.error} | ${counts.warning} | ${counts.info} |`,
    '',
  ];
  lines.push(...todoList(allFindings(report)));
  for (const exercise of report.exercises) lines.push(...exerciseSection(exercise));
  return `${lines.join('\n')}\n`;
}

function exerciseSection(exercise: ExerciseReport): string[] {
  const out = [`## ${exercisePassed(exercise) ? '✓' : '✗'} ${cell(exercise.title)}`, '', `Line ${exercise.line} · ${seconds(exercise.durationMs)}`, ''];
  out.push(...findingsTable(sortFindings(exercise.findings)), '');
  for (const x of exercise.expectations ?? []) out.push(`- ${x.ok ? '✓' : '✗'} line ${x.line}: \`${x.expression.replace(/`/g, "'")}\` — ${cell(x.message)}`);
  if ((exercise.expectations ?? []).length > 0) out.push('');
  if (exercise.pods.length > 0) {
    out.push('```text', ...textTimeline(exercise.pods), '```', '');
    out.push('<details><summary>Timeline (SVG)</summary>', '', '```svg', svgTimeline(exercise.pods, { title: `Pods of “${exercise.title}”` }), '```', '', '</details>', '');
  }
  return out;
}

/** What `--fix` cannot do: errors and warnings without a mechanical fix, as a task list. */
function todoList(findings: Finding[]): string[] {
  const todo = sortFindings(findings.filter((f) => f.severity !== 'info' && !f.fix?.length));
  const fixable = findings.filter((f) => f.fix?.length).length;
  return [
    `${fixable} finding${fixable === 1 ? '' : 's'} fixable with \`lesson-verify --fix\`; ${todo.length} left for you${todo.length ? ':' : '.'}`, '',
    ...todo.map((f) => `- [ ] [${cell(`${f.file}:${f.line}`)}](${encodeURI(f.file)}#L${f.line}) ${f.severity}: ${cell(f.title)} — ${cell(f.suggestion.split('\n')[0] ?? '')}`),
    ...(todo.length ? [''] : []),
  ];
}

function findingsTable(findings: Finding[]): string[] {
  if (findings.length === 0) return ['No findings.'];
  return [
    '| Line | Severity | Finding | Lesson says | Cluster did | Suggestion |',
    '| --- | --- | --- | --- | --- | --- |',
    ...findings.map((f) => `| [${cell(`${f.file}:${f.line}`)}](${encodeURI(f.file)}#L${f.line}) | ${f.severity} | ${cell(f.title)}${f.fix?.length ? ' (fixable)' : ''} | ${cell(f.lessonSays)} | ${cell(f.clusterDid)} | ${cell(f.suggestion)} |`),
  ];
}

/** One text bar per pod on a shared time axis: `·` pending, then the run marked by its outcome. */
function textTimeline(pods: readonly PodLifetime[]): string[] {
  const rows = [...pods].sort((a, b) => a.createdAt - b.createdAt);
  const times = rows.flatMap((p) => [p.createdAt, p.startedAt, p.finishedAt]).filter((t): t is number => t !== undefined);
  const origin = Math.min(...times);
  const end = Math.max(Math.max(...times), origin + 1000);
  const col = (t: number) => Math.min(BAR_WIDTH - 1, Math.floor(((t - origin) / (end - origin)) * BAR_WIDTH));
  const nameWidth = Math.max(...rows.map((p) => p.name.length));
  const lines = rows.map((pod) => {
    const bar = Array<string>(BAR_WIDTH).fill(' ');
    const stop = col(pod.finishedAt ?? end);
    const start = pod.startedAt === undefined ? stop + 1 : col(pod.startedAt);
    for (let i = col(pod.createdAt); i <= stop; i++) bar[i] = i < start ? BAR_CHARS.pending : BAR_CHARS[pod.outcome];
    return `${pod.name.padEnd(nameWidth)} |${bar.join('')}| ${pod.outcome}${pod.restarts > 0 ? `, ${pod.restarts} restarts` : ''}`;
  });
  const axis = `${' '.repeat(nameWidth)}  0s${' '.repeat(BAR_WIDTH - 6)}${((end - origin) / 1000).toFixed(0)}s`;
  return [...lines, axis, `${' '.repeat(nameWidth)}  · pending  █ succeeded  ▓ failed  ▒ deleted  = running`];
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
