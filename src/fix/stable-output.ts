/**
 * Output written back into a lesson must stay true on the next run, which prints other pod
 * suffixes and ages: wherever the lesson's own word and the cluster's normalise alike, the
 * lesson's word stays, so `--fix` never trades the author's `countdown-jfwzk … 59s` for this run's.
 */
import { normaliseText } from '../lesson/normalise-output.ts';

/** kubectl pads every column but the last with three spaces (printers' tabwriter, padding 3). */
const COLUMN_GAP = 3;

const same = (a: string, b: string): boolean => a === b || normaliseText(a) === normaliseText(b);

/**
 * The cluster's line, with every word that pairs up (longest common subsequence, compared
 * normalised) with a word of the lesson's line written as the lesson wrote it. The cluster's
 * spacing is kept; a word of another length takes the difference from the gap after it, so
 * the columns after it stay where they were (a gap never shrinks below 2 spaces, or 1 if it was 1).
 */
export function keepLessonWords(lesson: string, cluster: string): string {
  const lessonWords = lesson.trim().split(/\s+/).filter(Boolean);
  const parts = cluster.replace(/\s+$/, '').split(/(\s+)/);
  const wordAt = parts.map((p, i) => (i % 2 === 0 && p !== '' ? i : -1)).filter((i) => i >= 0);
  const clusterWords = wordAt.map((i) => parts[i] ?? '');
  const pairs = commonSubsequence(lessonWords, clusterWords, same);
  for (const [l, c] of pairs) {
    const at = wordAt[c];
    if (at !== undefined) parts[at] = lessonWords[l] ?? '';
  }
  let shift = 0;
  let out = '';
  parts.forEach((part, i) => {
    if (i % 2 === 0) {
      const original = wordAt.includes(i) ? clusterWords[wordAt.indexOf(i)] ?? part : part;
      shift += part.length - original.length;
      out += part;
      return;
    }
    const min = part.length >= 2 ? 2 : 1;
    const width = Math.max(min, part.length - shift);
    shift -= part.length - width;
    out += ' '.repeat(width);
  });
  return out;
}

/** Index pairs [a, b] of a longest common subsequence of two short word lists. */
function commonSubsequence(a: string[], b: string[], eq: (x: string, y: string) => boolean): [number, number][] {
  const n = a.length;
  const m = b.length;
  const table = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      const row = table[i] as number[];
      row[j] = eq(a[i] ?? '', b[j] ?? '') ? (table[i + 1]?.[j + 1] ?? 0) + 1 : Math.max(table[i + 1]?.[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (eq(a[i] ?? '', b[j] ?? '')) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if ((table[i + 1]?.[j] ?? 0) >= (table[i]?.[j + 1] ?? 0)) i++;
    else j++;
  }
  return pairs;
}

/** The lesson's cell where it normalises like the cluster's (or matches through a `...`), else the cluster's. */
export function keepLessonCell(lesson: string | undefined, cluster: string, wildcardMatches: boolean): string {
  if (lesson === undefined) return cluster;
  return wildcardMatches || same(lesson, cluster) ? lesson : cluster;
}

/** Rows in kubectl's layout: each column as wide as its widest cell plus three spaces. */
export function formatTable(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => { widths[i] = Math.max(widths[i] ?? 0, cell.length); });
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + COLUMN_GAP))).join('').replace(/\s+$/, ''));
}

/**
 * One row laid out under an existing header (`starts`: where each column begins), so a changed
 * row lines up with the rows the author wrote; a cell too wide for its column pushes the rest on.
 */
export function alignRow(cells: string[], starts: number[]): string {
  let out = '';
  cells.forEach((cell, i) => {
    const start = starts[i] ?? 0;
    if (i > 0) out = out.length + 2 <= start ? out.padEnd(start) : `${out}${' '.repeat(COLUMN_GAP)}`;
    out += cell;
  });
  return out.replace(/\s+$/, '');
}
