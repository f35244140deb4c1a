/**
 * A finding as a code review shows it: the lesson's lines on the left, the cluster's on the
 * right, removed and added lines paired up side by side. For a finding with a line fix the two
 * sides are exactly what `--fix` replaces and writes; otherwise what the lesson says and what
 * the cluster did.
 */
import { diffArrays } from 'diff';
import type { Finding } from '../findings/finding.ts';

export interface SideCell {
  /** Lesson line number (left side, when known). */
  line?: number;
  text: string;
  kind: 'same' | 'removed' | 'added';
}

export interface SideRow {
  left?: SideCell;
  right?: SideCell;
}

export function sideBySide(left: string[], right: string[], firstLine?: number): SideRow[] {
  const rows: SideRow[] = [];
  let line = firstLine;
  const next = (): { line?: number } => (line === undefined ? {} : { line: line++ });
  let removed: SideCell[] = [];
  let added: SideCell[] = [];
  const flush = (): void => {
    for (let i = 0; i < Math.max(removed.length, added.length); i++) {
      const l = removed[i];
      const r = added[i];
      rows.push({ ...(l ? { left: l } : {}), ...(r ? { right: r } : {}) });
    }
    removed = [];
    added = [];
  };
  for (const part of diffArrays(left, right)) {
    if (part.removed) removed.push(...part.value.map((text) => ({ ...next(), text, kind: 'removed' as const })));
    else if (part.added) added.push(...part.value.map((text) => ({ text, kind: 'added' as const })));
    else {
      flush();
      for (const text of part.value) rows.push({ left: { ...next(), text, kind: 'same' }, right: { text, kind: 'same' } });
    }
  }
  flush();
  return rows;
}

/** The two sides of a finding: its line edits when it has them, else what the lesson says and the cluster did. */
export function findingSides(f: Finding): { left: string[]; right: string[]; firstLine?: number } {
  const lineEdits = (f.fix ?? []).filter((e) => e.kind === 'lines');
  if (lineEdits.length > 0) {
    return { left: lineEdits.flatMap((e) => e.original), right: lineEdits.flatMap((e) => e.replacement), ...(lineEdits.length === 1 ? { firstLine: lineEdits[0]?.line } : {}) };
  }
  const word = f.fix?.find((e) => e.kind === 'word');
  if (word) return { left: [word.from], right: [word.to], firstLine: word.line };
  return { left: f.lessonSays.split('\n'), right: f.clusterDid.split('\n') };
}
