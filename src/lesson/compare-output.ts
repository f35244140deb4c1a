/**
 * Compares the output a lesson documents for a command with what the cluster printed, in the
 * spirit of istio.io's `_verify_like`: normalise what legitimately varies, then report the few
 * differences a student would notice, each as one finding with the edit that fixes it.
 */
import type { Finding, Severity } from '../findings/finding.ts';
import { OutputPlan, outputLines } from '../fix/output-plan.ts';
import { alignRow, formatTable, keepLessonCell, keepLessonWords } from '../fix/stable-output.ts';
import type { DocumentedOutput } from './parse-lesson.ts';
import { formatChangeBetween, withoutAddedLines } from './format-changes.ts';
import { headerColumns, INLINE_WILDCARD, normaliseLine, normaliseText, splitBlocks, type OutputBlock, type OutputLine, type Table, type TableRow } from './normalise-output.ts';

export interface CompareContext {
  file: string;
  exercise: string;
  command: string;
}

export interface OutputComparison {
  /** True when there is no error or warning (the outputs match after normalisation). */
  same: boolean;
  findings: Finding[];
}

/**
 * States a watch may or may not show: a fast cluster goes through Pending and ContainerCreating
 * between two events, and Jobs show SuccessCriteriaMet / FailureTarget before Complete / Failed
 * only since Kubernetes 1.31 (JobSuccessPolicy, JobManagedBy): a lesson written before shows neither.
 */
const SKIPPABLE_STATES = new Set(['Pending', 'ContainerCreating', 'SuccessCriteriaMet', 'FailureTarget']);
/** More differing lines than this become one finding: the fix is the same, replace the output. */
const MAX_LINE_FINDINGS = 3;
/**
 * Progress lines whose number depends on timing, not on the lesson: `kubectl rollout status`
 * prints a "Waiting for …" line per change it happens to see, `kubectl run -it` a prompt hint,
 * `kubectl port-forward` a line per connection. Left out on both sides before comparing.
 */
const TIMING_LINES = [
  /^Waiting for (?:deployment|daemon set|statefulset|partitioned roll out|rollout)\b/,
  /^Waiting for \d+ pods to be (?:ready|updated)\.\.\./,
  /^If you don't see a command prompt, try pressing enter\./,
  /^Handling connection for \d+/,
];

const isTimingLine = (l: OutputLine): boolean => TIMING_LINES.some((re) => re.test(l.raw.trim()));

/** Equal after normalisation, or equal where the lesson's line has a `...` wildcard. */
export function linesMatch(doc: OutputLine, act: OutputLine): boolean {
  if (doc.text === act.text) return true;
  if (!INLINE_WILDCARD.test(doc.text)) return false;
  const pattern = doc.text.split(/\.\.\.|…/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(act.text);
}

export function compareOutput(documented: DocumentedOutput | DocumentedOutput[], printed: string, ctx: CompareContext): OutputComparison {
  const outputs = Array.isArray(documented) ? documented : [documented];
  // A line a newer kubectl adds (a known warning) is a version difference, not a mistake of the lesson.
  const { output: actual, added } = withoutAddedLines(ctx.command, printed, outputs.map((o) => o.text).join('\n'));
  const docBlocks = outputs.flatMap((o) => splitBlocks(o.text, o.line));
  const actBlocks = splitBlocks(actual, 1);
  const firstLine = outputs[0]?.line ?? 0;
  const plan = new OutputPlan(outputLines(outputs));
  // Which lesson lines each finding is about: its fix is the plan's edits there (none: a human decides).
  const about = new Map<Finding, number[]>();
  const finding: MakeFinding = (severity, line, title, lessonSays, clusterDid, suggestion, lines) => {
    const f: Finding = { severity, file: ctx.file, line, exercise: ctx.exercise, title, lessonSays, clusterDid, suggestion };
    if (lines) about.set(f, lines);
    return f;
  };
  const replaceAll = `Replace the output with:\n${actual.replace(/\s+$/, '')}`;

  const findings = comparePlain(plainLines(docBlocks), plainLines(actBlocks), firstLine, finding, replaceAll, plan);
  for (const { line, change } of added) {
    findings.push(finding('warning', firstLine, 'version-dependent output: a line newer kubectl adds', '(no such line)', line,
      `${change.change} since ${change.since} (${change.source}). Show the line if your students use ${change.since} or later, or say in the prose that newer kubectl prints it.`));
  }
  const docTables = tables(docBlocks);
  const actTables = tables(actBlocks);
  const watch = /(^|\s)(--watch|-w)(=\S*)?(\s|$)/.test(ctx.command);
  docTables.forEach((doc, i) => {
    const act = actTables[i];
    if (!act) {
      findings.push(finding('error', doc.line, 'table missing', `a table with columns ${doc.header.join(', ')}`, actual.trim() || '(no output)', replaceAll));
    } else if (watch) {
      findings.push(...compareWatch(doc, act, finding, replaceAll, plan));
    } else {
      findings.push(...compareTable(doc, act, finding, replaceAll, plan));
    }
  });
  for (const act of actTables.slice(docTables.length)) {
    findings.push(finding('error', firstLine, 'table not shown in the lesson', '(no table)', `a table with columns ${act.header.join(', ')}`, replaceAll));
  }
  // A table the cluster did not print means the command did something else than the lesson intends:
  // nothing of its output is written into the lesson.
  const intended = docTables.length <= actTables.length;
  for (const [f, lines] of intended ? about : []) {
    const edits = plan.editsFor(lines);
    if (edits.length > 0) f.fix = edits;
  }
  const same = findings.every((f) => f.severity === 'info');
  if (!same && isDescribe(ctx.command) && describeHolds(outputs, actual)) {
    return { same: true, findings: [finding('info', firstLine, 'describe output differs only where it describes this run', 'the whole output',
      'every field that describes the object (name, image, replicas, status, …) as the lesson shows it',
      'Nothing to fix: IDs, times, node, IPs and events differ on every run. Elide them with ... if you want the comparison exact.')] };
  }
  return { same, findings };
}

/**
 * `kubectl describe` prints, beside what the lesson is about, what only this run has: container
 * and image IDs, start times, the node, IPs, the events with their ages and messages. Authors paste
 * it whole. It holds when every field that describes the object appears, in order, as the lesson
 * shows it.
 */
const STABLE_DESCRIBE_FIELD = /^\s*(?:Name|Namespace|Selector|Replicas|StrategyType|Image|Port|Ports|TargetPort|Command|Args|Status|State|Reason|Exit Code|Restart Count|Completions|Parallelism|Completion Mode|Schedule|Concurrency Policy|Suspend|Backoff Limit|Type|Mounts|Environment|Requests|Limits|Data)\s*:/;
const isDescribe = (command: string): boolean => /\bkubectl\s+(?:-n\s+\S+\s+)?describe\b/.test(command);

function describeHolds(outputs: DocumentedOutput[], actual: string): boolean {
  const act = actual.split('\n').map((l, i) => normaliseLine(l, i + 1));
  const wanted = outputs.flatMap((o) => o.text.split('\n').map((l, i) => normaliseLine(l, o.line + i))).filter((l) => STABLE_DESCRIBE_FIELD.test(l.raw));
  if (wanted.length === 0) return false;
  let j = 0;
  for (const line of wanted) {
    while (j < act.length && !linesMatch(line, act[j] as OutputLine)) j++;
    if (j >= act.length) return false;
    j++;
  }
  return true;
}

/** `lines`: the lesson lines the finding is about, when the plan holds its mechanical fix. */
type MakeFinding = (severity: Severity, line: number, title: string, lessonSays: string, clusterDid: string, suggestion: string, lines?: number[]) => Finding;

function plainLines(blocks: OutputBlock[]): OutputLine[] {
  return blocks.flatMap((b) => (b.kind === 'plain' ? b.lines : [])).filter((l) => !isTimingLine(l));
}

function tables(blocks: OutputBlock[]): Table[] {
  return blocks.flatMap((b) => (b.kind === 'table' ? [b.table] : []));
}

// Walks both line lists in order; an ellipsis in the lesson lets the cluster print any lines there.
function comparePlain(doc: OutputLine[], act: OutputLine[], firstLine: number, finding: MakeFinding, replaceAll: string, plan: OutputPlan): Finding[] {
  const warnings: Finding[] = [];
  const errors: { line: number; lesson: string; cluster: string; hint?: string; fixable: boolean }[] = [];
  let j = 0;
  let skipping = false;
  for (const line of doc) {
    if (line.ellipsis) {
      skipping = true;
      continue;
    }
    if (skipping) {
      const found = act.findIndex((a, k) => k >= j && linesMatch(line, a));
      if (found >= 0) j = found;
      skipping = false;
    }
    const got = act[j++];
    if (!got) {
      plan.remove(line.line);
      errors.push({ line: line.line, lesson: line.raw, cluster: '(nothing)', fixable: true });
    } else if (!linesMatch(line, got)) {
      const change = formatChangeBetween(line.text, got.text);
      const hint = hintFor(line, got);
      // A line that shows a failure the lesson does not expect is the command's problem, not the output's.
      if (!hint.failed) plan.replace(line.line, [keepLessonWords(line.raw, got.raw)]);
      if (change) {
        warnings.push(finding('warning', line.line, 'version-dependent output format', line.raw, got.raw,
          `${change.change} since ${change.since} (${change.source}). Show the current format (${got.raw}), or note that other kubectl versions print: ${line.raw}`, [line.line]));
      } else {
        errors.push({ line: line.line, lesson: line.raw, cluster: got.raw, ...(hint.text ? { hint: hint.text } : {}), fixable: !hint.failed });
      }
    }
  }
  if (!skipping) {
    const extras = act.slice(j);
    const last = doc.at(-1)?.line;
    if (extras.length > 0) {
      if (last === undefined) plan.insertBefore(firstLine, extras.map((l) => l.raw));
      else plan.insertAfter(last, extras.map((l) => l.raw));
    }
    for (const extra of extras) errors.push({ line: last ?? firstLine, lesson: '(nothing)', cluster: extra.raw, fixable: true });
  }
  if (errors.length > MAX_LINE_FINDINGS) {
    const first = errors[0];
    const fixable = errors.every((e) => e.fixable);
    return [...warnings, finding('error', first?.line ?? firstLine, `output differs on ${errors.length} lines`,
      doc.map((l) => l.raw).join('\n'), act.map((l) => l.raw).join('\n'), replaceAll, fixable ? errors.map((e) => e.line) : undefined)];
  }
  return [...warnings, ...errors.map((e) => finding('error', e.line, lineTitle(e.lesson, e.cluster),
    e.lesson, e.cluster, e.hint ?? (e.cluster === '(nothing)' ? `Remove the line: ${e.lesson}` : `Replace the line with: ${e.cluster}`), e.fixable ? [e.line] : undefined))];
}

function hintFor(doc: OutputLine, act: OutputLine): { text?: string; failed?: boolean } {
  if (doc.tokens.at(-1) === 'created' && act.tokens.at(-1) === 'unchanged') {
    return { text: `The object already existed when this command ran (it was applied earlier in the lesson). Replace the line with: ${act.raw}, or remove the earlier apply.` };
  }
  if (/does not exist|not found|error/i.test(act.raw) && !/error/i.test(doc.raw)) {
    return { text: `The command failed on the cluster (${act.raw}); fix the command or the step before it so that it prints: ${doc.raw}`, failed: true };
  }
  return {};
}

function compareTable(doc: Table, act: Table, finding: MakeFinding, replaceAll: string, plan: OutputPlan): Finding[] {
  const tableLines = rangeOf(doc);
  const findings = columnFindings(doc, act, finding, tableLines);
  const common = doc.header.filter((c) => act.header.includes(c));
  const key = (t: Table, r: TableRow) => r.normalised[t.header.indexOf(common[0] ?? '')] ?? r.normalised[0] ?? '';
  const cell = (t: Table, r: TableRow, c: string) => r.normalised[t.header.indexOf(c)] ?? '';
  const sameCell = (c: string, d: TableRow, a: TableRow) => cell(doc, d, c) === cell(act, a, c) || INLINE_WILDCARD.test(cell(doc, d, c)) && linesMatch(
    { text: cell(doc, d, c) } as OutputLine, { text: cell(act, a, c) } as OutputLine);
  const unmatched = [...act.rows];
  const diffs: string[] = [];
  // Differences that only show the lesson caught a pod on its way (ContainerCreating where the cluster is
  // already Running, a Terminating pod already gone): timing, not a mistake — a warning, not an error.
  const timing: string[] = [];
  let firstDiffLine: number | undefined;
  const status = (t: Table, r: TableRow) => r.cells[t.header.indexOf('STATUS')] ?? '';
  const pairs: [TableRow, TableRow | undefined][] = [];
  for (const row of doc.rows) {
    // Pod names are random, so rows pair up by normalised key in the order they are printed.
    const k = unmatched.findIndex((r) => key(act, r) === key(doc, row));
    const match = k >= 0 ? unmatched.splice(k, 1)[0] : undefined;
    pairs.push([row, match]);
    const cells = match ? common.filter((c) => !sameCell(c, row, match)) : [];
    const onItsWay = isTransitional(status(doc, row)) && (!match || cells.every((c) => TRANSITION_COLUMNS.has(c)));
    const into = onItsWay ? timing : diffs;
    if (!match) into.push(`row ${row.cells[0] ?? ''} is not in the cluster output`);
    for (const c of cells) into.push(`${row.cells[0] ?? ''} ${c}: lesson ${cell(doc, row, c)}, cluster ${match ? cell(act, match, c) : ''}`);
    if (!onItsWay && (!match || cells.length > 0)) firstDiffLine ??= row.line;
  }
  if (!doc.partial) for (const r of unmatched) diffs.push(`cluster printed an extra row ${r.cells[0] ?? ''}`);
  if (diffs.length > 0) {
    findings.push(finding('error', firstDiffLine ?? doc.line, diffs.length === 1 ? (diffs[0] ?? '') : `${diffs.length} table differences`,
      doc.rows.map((r) => r.raw).join('\n'), act.rows.map((r) => r.raw).join('\n'), `${diffs.join('\n')}\n${replaceAll}`, tableLines));
  } else if (timing.length > 0) {
    findings.push(finding('warning', doc.rows.find((r) => isTransitional(status(doc, r)))?.line ?? doc.line, 'the lesson shows a pod on its way',
      doc.rows.map((r) => r.raw).join('\n'), act.rows.map((r) => r.raw).join('\n'),
      `${timing.join('\n')}\nA student sees either, depending on timing. Show the settled state, or say that the status changes (and add kubectl wait before the command).`));
  }
  planTable(doc, act, pairs, doc.partial ? [] : unmatched, sameCell, plan);
  return findings;
}

/** Pod states a student sees only for a moment: what a lesson shows in them depends on timing. */
const TRANSITIONAL = /^(Pending|ContainerCreating|PodInitializing|Terminating|Init:.*)$/;
const isTransitional = (state: string): boolean => TRANSITIONAL.test(state);
/** The columns that change as a pod moves on. */
const TRANSITION_COLUMNS = new Set(['STATUS', 'READY', 'RESTARTS', 'AGE', 'IP', 'NODE']);

/**
 * The table as the cluster prints it, in the lesson's words: the cluster's columns and rows, each
 * cell the lesson's own where it agrees (its pod names and ages), `...` lines kept. Rows that still
 * match are left alone; under a new header every row is laid out again, kubectl-style.
 */
function planTable(doc: Table, act: Table, pairs: [TableRow, TableRow | undefined][], extra: TableRow[], sameCell: (c: string, d: TableRow, a: TableRow) => boolean, plan: OutputPlan): void {
  const newHeader = act.header.join('|') !== doc.header.join('|');
  const cellsOf = (row: TableRow, match: TableRow): string[] => act.header.map((c, i) => {
    const d = doc.header.indexOf(c);
    return keepLessonCell(d >= 0 ? row.printed[d] : undefined, match.printed[i] ?? '', d >= 0 && sameCell(c, row, match));
  });
  const rows = pairs.map(([row, match]) => ({ row, cells: match ? cellsOf(row, match) : undefined, changed: match ? doc.header.some((c) => act.header.includes(c) && !sameCell(c, row, match)) : true }));
  const extraCells = extra.map((r) => withLessonHash(r, doc));
  if (newHeader) {
    const laidOut = formatTable([act.header, ...rows.flatMap((r) => (r.cells ? [r.cells] : [])), ...extraCells]);
    plan.replace(doc.line, [laidOut[0] ?? '']);
    let k = 1;
    for (const r of rows) {
      if (r.cells) plan.replace(r.row.line, [laidOut[k++] ?? '']);
      else plan.remove(r.row.line);
    }
    if (extraCells.length > 0) plan.insertAfter(doc.endLine, laidOut.slice(k));
    return;
  }
  const starts = headerColumns(doc.headerRaw).map((c) => c.start);
  for (const r of rows) {
    if (!r.cells) plan.remove(r.row.line);
    else if (r.changed) plan.replace(r.row.line, [alignRow(r.cells, starts)]);
  }
  if (extraCells.length > 0) plan.insertAfter(doc.endLine, extraCells.map((cells) => alignRow(cells, starts)));
}

/**
 * An extra row's cells, its generated name under the lesson's template hash when the lesson lists
 * a pod of the same ReplicaSet shape (`web-7d9c5b8f6-…`): the hash is a random part of this run.
 */
function withLessonHash(row: TableRow, doc: Table): string[] {
  const n = doc.header.indexOf('NAME');
  const name = row.printed[n] ?? '';
  const shape = row.normalised[n] ?? '';
  const lessonName = doc.rows.find((r) => r.normalised[n] === shape)?.cells[n];
  if (n < 0 || !lessonName || !shape.includes('<hash>')) return row.printed;
  return row.printed.map((c, i) => (i === n ? `${lessonName.slice(0, lessonName.lastIndexOf('-'))}${name.slice(name.lastIndexOf('-'))}` : c));
}

/** Every lesson line of a table, header to its last row or `...`. */
function rangeOf(table: Table): number[] {
  return Array.from({ length: table.endLine - table.line + 1 }, (_, i) => table.line + i);
}

// One finding per direction, never one per row: a new kubectl column changes every row.
/** `watch`: a transcript's restart times are timing, so that warning there gets no fix (a fix would churn the transcript). */
function columnFindings(doc: Table, act: Table, finding: MakeFinding, tableLines: number[], watch = false): Finding[] {
  const findings: Finding[] = [];
  const added = act.header.filter((c) => !doc.header.includes(c));
  const missing = doc.header.filter((c) => !act.header.includes(c));
  if (added.length > 0) {
    findings.push(finding('warning', doc.line, `column added: ${added.join(', ')}`, doc.header.join('  '), act.header.join('  '),
      `Update the table to the current kubectl columns: ${act.header.join('  ')} (older kubectl versions print ${doc.header.join('  ')}).`, tableLines));
  }
  if (missing.length > 0) {
    findings.push(finding('warning', doc.line, `column missing: ${missing.join(', ')}`, doc.header.join('  '), act.header.join('  '),
      `Remove the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, the cluster prints ${act.header.join('  ')}.`, tableLines));
  }
  const docAgo = doc.rows.some((r) => r.restartAgo);
  const actAgo = act.rows.some((r) => r.restartAgo);
  if (actAgo && !docAgo) {
    const example = act.rows.find((r) => r.restartAgo)?.raw ?? '';
    findings.push(finding('warning', doc.line, 'RESTARTS shows the time of the last restart', 'RESTARTS as a bare count, e.g. 1', example,
      'Current kubectl prints restarts as "1 (2s ago)"; update the RESTARTS cells to that form.', watch ? undefined : tableLines));
  }
  return findings;
}

interface PodHistory {
  name: string;
  family: string;
  line: number;
  states: string[];
  restarts: number;
}

function compareWatch(doc: Table, act: Table, finding: MakeFinding, replaceAll: string, plan: OutputPlan): Finding[] {
  const tableLines = rangeOf(doc);
  const findings = columnFindings(doc, act, finding, tableLines, true);
  const docPods = podHistories(doc);
  const families = new Set(docPods.map((p) => p.family));
  const allActPods = podHistories(act);
  const actPods = allActPods.filter((p) => families.has(p.family));
  const others = allActPods.filter((p) => !families.has(p.family));
  const partial = doc.partial;

  if (others.length > 0) {
    const names = [...new Set(others.map((p) => p.family))].join(', ');
    findings.push(finding('warning', doc.line, `cluster also lists ${others.length} pod(s) not in the lesson (${names})`,
      `only ${[...families].join(', ')} pods`, others.map((p) => `${p.name} ${p.states.at(-1) ?? ''}`).join('\n'),
      `Pods from an earlier step are still there: delete their Job before this step, or select this Job's pods with -l batch.kubernetes.io/job-name=<job>.`));
  }
  if (docPods.length !== actPods.length) {
    const severity: Severity = partial && actPods.length > docPods.length ? 'warning' : 'error';
    findings.push(finding(severity, doc.line, `lesson shows ${docPods.length} pod${docPods.length === 1 ? '' : 's'}, cluster created ${actPods.length}`,
      `${docPods.length} pods`, `${actPods.length} pods`, replaceAll, severity === 'error' ? tableLines : undefined));
  }

  const warned: { pod: number; lesson: string; cluster: string }[] = [];
  const failed: { pod: number; line: number; lesson: string; cluster: string; never: string[] }[] = [];
  docPods.forEach((d, i) => {
    const a = actPods[i];
    if (!a) return;
    const ds = collapse(d.states);
    const as = collapse(a.states);
    const lesson = ds.join('→');
    const cluster = as.join('→');
    if (lesson === cluster || (partial && cluster.startsWith(lesson))) return;
    const strip = (s: string[]) => collapse(s.filter((x) => !SKIPPABLE_STATES.has(x))).join('→');
    // A partial transcript (it ends in `...`) only has to be the start of what the cluster did.
    if (strip(ds) === strip(as) || (partial && `${strip(as)}→`.startsWith(`${strip(ds)}→`))) warned.push({ pod: i + 1, lesson, cluster });
    else failed.push({ pod: i + 1, line: d.line, lesson, cluster, never: ds.filter((s) => !as.includes(s)) });
  });
  if (warned.length > 0) {
    const only = warned.length === 1 ? warned[0] : undefined;
    findings.push(finding('warning', doc.line, only ? `pod ${only.pod}: lesson ${only.lesson}, cluster ${only.cluster}` : `${warned.length} pods differ only in Pending/ContainerCreating`,
      warned.map((w) => `pod ${w.pod}: ${w.lesson}`).join('\n'), warned.map((w) => `pod ${w.pod}: ${w.cluster}`).join('\n'),
      'Nothing to fix unless you want the transcript exact: Pending and ContainerCreating are often skipped by a watch on a fast cluster.'));
  }
  if (failed.length > 0) {
    const never = [...new Set(failed.flatMap((f) => f.never))];
    findings.push(finding('error', failed[0]?.line ?? doc.line,
      failed.length === 1 ? `pod ${failed[0]?.pod}: lesson ${failed[0]?.lesson}, cluster ${failed[0]?.cluster}` : `status transitions differ for ${failed.length} pods`,
      failed.map((f) => `pod ${f.pod}: ${f.lesson}`).join('\n'), failed.map((f) => `pod ${f.pod}: ${f.cluster}`).join('\n'),
      `${never.length > 0 ? `The cluster never showed ${never.join(', ')}. ` : ''}${replaceAll}`, tableLines));
  }

  const docMax = Math.max(0, ...docPods.map((p) => p.restarts));
  const actMax = Math.max(0, ...actPods.map((p) => p.restarts));
  if (docMax !== actMax && !(partial && actMax > docMax)) {
    // The number of restarts before a deadline depends on timing; none versus some does not.
    const severity: Severity = docMax > 0 && actMax > 0 ? 'warning' : 'error';
    findings.push(finding(severity, doc.line, `lesson shows at most ${docMax} restart${docMax === 1 ? '' : 's'}, cluster ${actMax}`,
      `max RESTARTS ${docMax}`, `max RESTARTS ${actMax}`,
      severity === 'warning' ? `Restart counts vary with timing; say "${Math.min(docMax, actMax)}–${Math.max(docMax, actMax)} restarts" in the prose or use <!-- expect: pod.restarts in a..b -->.` : replaceAll,
      severity === 'error' ? tableLines : undefined));
  }
  planWatch(doc, act, docPods, families, plan);
  return findings;
}

/**
 * The transcript this run printed, made stable for the lesson: only the pods of the families the
 * lesson shows (other pods are a finding of their own), each named as the lesson named the pod in
 * the same place, and each pod cut at its first restart — how often a crashing container
 * restarts before a deadline is timing — with a `...` line saying more follows.
 */
function planWatch(doc: Table, act: Table, docPods: PodHistory[], families: Set<string>, plan: OutputPlan): void {
  const nameIndex = Math.max(0, act.header.indexOf('NAME'));
  const restartIndex = act.header.indexOf('RESTARTS');
  const lessonNames = new Map<string, string[]>();
  for (const p of docPods) lessonNames.set(p.family, [...(lessonNames.get(p.family) ?? []), p.name]);
  const renamed = new Map<string, string>();
  const restarted = new Set<string>();
  let cut = doc.partial;
  const rows: string[] = [];
  for (const row of act.rows) {
    const name = row.cells[nameIndex] ?? '';
    const family = row.normalised[nameIndex] ?? '';
    if (!families.has(family)) continue;
    if (!renamed.has(name)) renamed.set(name, lessonNames.get(family)?.[[...renamed.values()].filter((n) => normaliseText(n) === family).length] ?? name);
    if (restarted.has(name) || (Number.parseInt(row.cells[restartIndex] ?? '0', 10) || 0) > 0) {
      restarted.add(name);
      cut = true;
      continue;
    }
    const lessonName = renamed.get(name) ?? name;
    rows.push(renameRow(row.raw, name, lessonName));
  }
  plan.replace(doc.line, [act.headerRaw, ...rows, ...(cut ? [doc.ellipsis ?? '...'] : [])]);
  for (let line = doc.line + 1; line <= doc.endLine; line++) plan.remove(line);
}

/** `row` with the pod `name` (first on it) written as `lessonName`, the columns after it where they were. */
function renameRow(row: string, name: string, lessonName: string): string {
  const at = row.indexOf(name);
  if (at < 0 || name === lessonName) return row;
  const gap = /^\s*/.exec(row.slice(at + name.length))?.[0].length ?? 0;
  const rest = row.slice(at + name.length + gap);
  return `${row.slice(0, at)}${lessonName}${' '.repeat(Math.max(rest ? 2 : 0, gap - (lessonName.length - name.length)))}${rest}`;
}

// Pods appear in a watch in creation order, which is the only stable way to pair random names.
function podHistories(table: Table): PodHistory[] {
  const name = Math.max(0, table.header.indexOf('NAME'));
  const status = table.header.indexOf('STATUS');
  const restarts = table.header.indexOf('RESTARTS');
  const pods = new Map<string, PodHistory>();
  for (const row of table.rows) {
    const podName = row.cells[name] ?? '';
    const pod = pods.get(podName) ?? { name: podName, family: row.normalised[name] ?? '', line: row.line, states: [], restarts: 0 };
    pods.set(podName, pod);
    const state = row.cells[status];
    if (state) pod.states.push(state);
    pod.restarts = Math.max(pod.restarts, Number.parseInt(row.cells[restarts] ?? '0', 10) || 0);
  }
  return [...pods.values()];
}

function collapse(states: string[]): string[] {
  return states.filter((s, i) => s !== states[i - 1]);
}

function lineTitle(lesson: string, cluster: string): string {
  if (cluster === '(nothing)') return 'line missing from the cluster output';
  if (lesson === '(nothing)') return 'extra line in the cluster output';
  const l = lesson.trim().split(/\s+/);
  const c = cluster.trim().split(/\s+/);
  const sameStart = l.length === c.length && l.slice(0, -1).every((t, i) => t === c[i]);
  return sameStart ? `output differs: ${l.at(-1)} vs ${c.at(-1)}` : 'output differs';
}
