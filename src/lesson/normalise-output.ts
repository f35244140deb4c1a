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
  header: string[];
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
  restartAgo: boolean;
}

export type OutputBlock = { kind: 'plain'; lines: OutputLine[] } | { kind: 'table'; table: Table };

/** Job, ReplicaSet, … pods are `<owner>-` plus 5 random characters (kubelet `utilrand.String(5)`). */
const POD_NAME = /(?<=^|[\s/"'(])([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)-[a-z0-9]{5}(?=$|[\s"':,)])/g;
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

/** Normalises one cell or line: pod names become `<owner>-<id>`, ages and durations `<age>`. */
export function normaliseText(text: string): string {
  return text
    .replace(POD_NAME, '$1-<id>')
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
      table = { line: line.line, header: columns.map((c) => c.name), rows: [], partial: false };
      blocks.push({ kind: 'table', table });
    } else if (table) {
      if (line.ellipsis) table.partial = true;
      else table.rows.push(tableRow(line, columns));
    } else {
      const last = blocks.at(-1);
      if (last?.kind === 'plain') last.lines.push(line);
      else blocks.push({ kind: 'plain', lines: [line] });
    }
  });
  return blocks;
}

function headerColumns(raw: string): { name: string; start: number }[] {
  // kubectl pads columns with 3 spaces, but a few names contain one ("NOMINATED NODE").
  const separator = raw.trim().split(/\s{2,}/).length >= 2 ? /\S+(?: \S+)*/g : /\S+/g;
  return [...raw.matchAll(separator)].map((m) => ({ name: m[0], start: m.index }));
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
  return { line: line.line, raw: line.raw, cells, normalised: cells.map(normaliseText), restartAgo: line.restartAgo };
}
