/**
 * Rewrites command output so that a lesson written on one cluster compares equal to a run on
 * another: random pod-name suffixes, ages and restart times differ on every run and alignment
 * changes with column widths, none of which an author can or should pin down.
 */

export interface OutputLine {
  /** 1-based lesson line (documented output) or 1-based index (actual output). */
  line: number;
  /** The line as printed, trailing spaces removed. */
  raw: string;
  /** Whitespace-separated, normalised words. */
  tokens: string[];
  /** `tokens` joined by single spaces, for equality checks and messages. */
  text: string;
  /** The line carried a kubectl restart time such as ` (2s ago)`, which was dropped. */
  restartAgo: boolean;
  /** A `. . .` / `...` / `…` line: the author elided output here, more may follow. */
  ellipsis: boolean;
}

export interface Table {
  /** Line of the header row. */
  line: number;
  /** Last line of the table: its last row or an ellipsis after it. */
  endLine: number;
  header: string[];
  /** The header line as printed: its spacing lines up with the rows. */
  headerRaw: string;
  /** The first `...` line of the table as the author wrote it. */
  ellipsis?: string;
  rows: TableRow[];
  /** The table contained an ellipsis line: rows may be missing from it. */
  partial: boolean;
}

export interface TableRow {
  line: number;
  raw: string;
  /** Cells as printed (restart time removed), one per header column. */
  cells: string[];
  /** Cells after normalisation, one per header column. */
  normalised: string[];
  /** Cells exactly as printed, restart time included (`1 (2s ago)`), for writing the row back. */
  printed: string[];
  restartAgo: boolean;
}

export type OutputBlock = { kind: 'plain'; lines: OutputLine[] } | { kind: 'table'; table: Table };

/** Job, ReplicaSet, … pods are `<owner>-` plus 5 random characters (kubelet `utilrand.String(5)`). */
const POD_NAME = /(?<=^|[\s/"'(])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-[a-z0-9]{5}(?=$|[\s"':,)])/g;
/**
 * A Deployment's ReplicaSets (and their pods) carry the pod-template hash, written in the alphabet
 * of apimachinery's SafeEncodeString (no vowels, no 0/1/3, so words are not mistaken for it).
 */
const TEMPLATE_HASH = /(?<=[a-z0-9]-)[bcdfghjklmnpqrstvwxz2456789]{8,10}(?=-<id>|$|[\s/"':,)])/g;
/** A CronJob names each Job `<cronjob>-<minutes since the epoch>`. */
const SCHEDULED_TIME = /(?<=[a-z0-9]-)\d{8,10}(?=-<id>|$|[\s/"':,)])/g;
const UID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g;
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}(?: [A-Z]{2,5})?)?|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}/g;
const IP = /\b(?:\d{1,3}\.){3}\d{1,3}(?:\/\d{1,2})?\b/g;
/** NodePorts are drawn from 30000-32767 when the manifest does not pin one. */
const NODE_PORT = /(?<=\d:)3[0-2]\d{3}(?=\/(?:TCP|UDP|SCTP))/g;
/** An object's resourceVersion changes with every write anywhere in the cluster. */
const RESOURCE_VERSION = /(?<=resourceVersion["']?:\s*["']?)\d+/g;
/** The name of a kubeconfig context is the student's own (minikube, kind-kind, docker-desktop…). */
const CONTEXT = /(?<=\b(?:[Cc]ontext|to context) ")[^"]+(?=")/g;
/** An author's `...` or `…` inside a line: any text there. */
export const INLINE_WILDCARD = /\.\.\.|…/;
const AGE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|y))+$|^<unknown>$|^<invalid>$/;
const RESTART_AGO = /\s+\((?:\d+(?:ms|s|m|h|d|y))+ ago\)/g;
const ELLIPSIS = /^\s*(?:(?:\.\s*){3,}|…)\s*$/;
const HEADER_WORD = /^[A-Z][A-Z0-9_%()-]*$/;

export function normaliseOutput(text: string, firstLine = 1): OutputLine[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => normaliseLine(raw, firstLine + i))
    .filter((l) => l.raw !== '');
}

export function normaliseLine(rawLine: string, line: number): OutputLine {
  const raw = rawLine.replace(/\s+$/, '');
  const withoutAgo = raw.replace(RESTART_AGO, '');
  const restartAgo = withoutAgo !== raw;
  const tokens = normaliseText(withoutAgo).split(/\s+/).filter(Boolean);
  return { line, raw, tokens, text: tokens.join(' '), restartAgo, ellipsis: ELLIPSIS.test(raw) };
}

/**
 * Normalises one cell or line: generated names keep their owner (`web-<hash>-<id>`, `tick-<n>`),
 * ages and durations become `<age>`, and IPs, UIDs, timestamps and NodePorts lose their values.
 */
export function normaliseText(text: string): string {
  return text
    .replace(UID, '<uid>')
    .replace(CONTEXT, '<context>')
    .replace(RESOURCE_VERSION, '<rv>')
    .replace(TIMESTAMP, '<time>')
    .replace(IP, '<ip>')
    .replace(NODE_PORT, '<nodeport>')
    .replace(POD_NAME, '$1-<id>')
    .replace(TEMPLATE_HASH, '<hash>')
    .replace(SCHEDULED_TIME, '<n>')
    .split(/(\s+)/)
    .map((word) => (AGE.test(word) ? '<age>' : word))
    .join('');
}

/** `NAME  READY  STATUS` style: two or more upper-case column names. */
export function isTableHeader(raw: string): boolean {
  const words = raw.trim().split(/\s+/);
  return words.length >= 2 && words.every((w) => HEADER_WORD.test(w));
}

/** Splits output into plain-line runs and tables (a header and the lines up to a blank line). */
export function splitBlocks(text: string, firstLine = 1): OutputBlock[] {
  const blocks: OutputBlock[] = [];
  let table: Table | undefined;
  let columns: { name: string; start: number }[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const line = normaliseLine(rawLine, firstLine + i);
    if (line.raw.trim() === '') {
      table = undefined;
    } else if (isTableHeader(line.raw)) {
      columns = headerColumns(line.raw);
      table = { line: line.line, endLine: line.line, header: columns.map((c) => c.name), headerRaw: line.raw, rows: [], partial: false };
      blocks.push({ kind: 'table', table });
    } else if (table && (line.ellipsis || !endsTable(line.raw, columns.length))) {
      if (line.ellipsis) {
        table.partial = true;
        table.ellipsis ??= line.raw.trim();
      } else table.rows.push(tableRow(line, columns));
      table.endLine = line.line;
    } else {
      // A line that cannot be a row (one word under a wide header: a log line after `get pods`) ends the table.
      table = undefined;
      const last = blocks.at(-1);
      if (last?.kind === 'plain') last.lines.push(line);
      else blocks.push({ kind: 'plain', lines: [line] });
    }
  });
  return blocks;
}

function endsTable(raw: string, columns: number): boolean {
  return columns >= 3 && raw.trim().split(/\s+/).length === 1;
}

export function headerColumns(raw: string): { name: string; start: number }[] {
  // kubectl pads columns with 3 spaces, but a few names contain one ("NOMINATED NODE").
  const separator = raw.trim().split(/\s{2,}/).length >= 2 ? /\S+(?: \S+)*/g : /\S+/g;
  return [...raw.matchAll(separator)].map((m) => ({ name: m[0], start: m.index }));
}

/**
 * Columns whose values belong to the cluster, not to the lesson: the node a pod landed on, a node's
 * roles and versions. In a node list (a ROLES column) the NAME is a node's name too.
 */
const CLUSTER_COLUMNS: Record<string, string> = {
  NODE: '<node>', ROLES: '<roles>', VERSION: '<version>', 'OS-IMAGE': '<os>', 'KERNEL-VERSION': '<kernel>', 'CONTAINER-RUNTIME': '<runtime>',
};

function normaliseCell(cell: string, column: string, header: string[]): string {
  if (cell === '<none>') return cell;
  const fixed = CLUSTER_COLUMNS[column] ?? (column === 'NAME' && header.includes('ROLES') ? '<node>' : undefined);
  return fixed ?? normaliseText(cell);
}

function tableRow(line: OutputLine, columns: { name: string; start: number }[]): TableRow {
  const printed = line.raw.replace(RESTART_AGO, '');
  const count = columns.length;
  // Widths change with content and hand-edited lessons lose alignment, so try the robust
  // splits first and use the header's column positions only when they disagree with the count.
  let cells = printed.trim().split(/\s{2,}/);
  if (cells.length !== count) cells = printed.trim().split(/\s+/);
  if (cells.length !== count) {
    cells = columns.map((c, i) => line.raw.slice(c.start, columns[i + 1]?.start ?? undefined).trim());
  }
  const header = columns.map((c) => c.name);
  // The restart time was cut out before splitting (its spaces would split the cell); put it back.
  const ago = /\s+\((?:\d+(?:ms|s|m|h|d|y))+ ago\)/.exec(line.raw)?.[0].trim();
  const restarts = header.indexOf('RESTARTS');
  const asPrinted = cells.map((c, i) => (ago && i === restarts ? `${c} ${ago}` : c));
  return { line: line.line, raw: line.raw, cells, normalised: cells.map((c, i) => normaliseCell(c, header[i] ?? '', header)), printed: asPrinted, restartAgo: line.restartAgo };
}
