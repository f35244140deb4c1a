/**
 * Applies the mechanical fixes of findings to a lesson's text and touches nothing else: every byte
 * outside an edit stays (line endings, a blockquote's `> `, a list item's indent, fences). An edit
 * is checked against the file first, so a lesson changed since it was verified is never rewritten
 * blindly; an edit that does not fit, or overlaps another, is skipped with the reason.
 */
import type { Finding, LessonEdit, LineEdit, WordEdit } from '../findings/finding.ts';
import { wordPattern } from '../lesson/parse-lesson.ts';

export interface AppliedEdit {
  edit: LessonEdit;
  /** The findings that carry this edit (several findings about one table share one). */
  findings: Finding[];
}

export interface SkippedEdit extends AppliedEdit {
  reason: string;
}

export interface FixResult {
  text: string;
  applied: AppliedEdit[];
  skipped: SkippedEdit[];
}

export function applyFixes(source: string, findings: readonly Finding[]): FixResult {
  const lines = source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const eol = lines[0]?.endsWith('\r\n') ? '\r\n' : '\n';
  const edits = collect(findings);
  const applied: AppliedEdit[] = [];
  const skipped: SkippedEdit[] = [];
  // Lines some applied line edit replaces; word edits may share a line with each other only.
  const taken = new Map<number, 'lines' | 'word'>();
  const accepted: { edit: LessonEdit; apply: () => void; entry: AppliedEdit }[] = [];
  for (const entry of edits) {
    const { edit } = entry;
    const span = edit.kind === 'lines' ? range(edit.line, edit.endLine) : [edit.line];
    const clash = span.find((l) => taken.get(l) === 'lines' || (taken.has(l) && edit.kind === 'lines'));
    if (clash !== undefined) {
      skipped.push({ ...entry, reason: `overlaps another fix at line ${clash}; run --fix again after this one` });
      continue;
    }
    const problem = edit.kind === 'lines' ? checkLines(edit, lines) : checkWord(edit, lines);
    if (problem) {
      skipped.push({ ...entry, reason: problem });
      continue;
    }
    for (const l of span) taken.set(l, edit.kind);
    accepted.push({ edit, entry, apply: () => (edit.kind === 'lines' ? replaceLines(edit, lines, eol) : replaceWord(edit, lines)) });
  }
  // Bottom up, so that an edit that changes the number of lines does not move the ones above it.
  for (const a of [...accepted].sort((x, y) => y.edit.line - x.edit.line)) {
    a.apply();
    applied.push(a.entry);
  }
  applied.sort((x, y) => x.edit.line - y.edit.line);
  return { text: lines.join(''), applied, skipped };
}

/** Every distinct edit, in lesson order, with the findings that carry it. */
function collect(findings: readonly Finding[]): AppliedEdit[] {
  const byKey = new Map<string, AppliedEdit>();
  for (const finding of findings) {
    for (const edit of finding.fix ?? []) {
      const key = JSON.stringify(edit);
      const entry = byKey.get(key) ?? { edit, findings: [] };
      entry.findings.push(finding);
      byKey.set(key, entry);
    }
  }
  return [...byKey.values()].sort((a, b) => a.edit.line - b.edit.line);
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const text = (lines: string[], line: number): string | undefined => lines[line - 1]?.replace(/\r?\n$/, '');

function checkLines(edit: LineEdit, lines: string[]): string | undefined {
  if (edit.original.length !== edit.endLine - edit.line + 1) return `the fix for lines ${edit.line}-${edit.endLine} is malformed (${edit.original.length} original lines)`;
  for (const [i, original] of edit.original.entries()) {
    const current = text(lines, edit.line + i);
    if (current === undefined || !current.replace(/\s+$/, '').endsWith(original.replace(/\s+$/, ''))) {
      return `line ${edit.line + i} is no longer "${original.trim()}" (the lesson changed since it was verified; verify it again)`;
    }
  }
  return undefined;
}

function checkWord(edit: WordEdit, lines: string[]): string | undefined {
  const current = text(lines, edit.line);
  return current !== undefined && wordPattern(edit.from).test(current) ? undefined : `"${edit.from}" is not on line ${edit.line} (it is written elsewhere; change it by hand)`;
}

/** The Markdown container of a line (`> `, a list indent): what is left of it when its text is taken away. */
function containerPrefix(edit: LineEdit, lines: string[]): string {
  for (const [i, original] of edit.original.entries()) {
    const content = original.replace(/\s+$/, '');
    if (content === '') continue;
    const current = (text(lines, edit.line + i) ?? '').replace(/\s+$/, '');
    return current.slice(0, current.length - content.length);
  }
  // Only blank lines replaced: a blank line in a blockquote is `>`, and its text goes after `> `.
  const blank = (text(lines, edit.line) ?? '').replace(/\s+$/, '');
  return blank.endsWith('>') ? `${blank} ` : blank;
}

function replaceLines(edit: LineEdit, lines: string[], eol: string): void {
  const prefix = containerPrefix(edit, lines);
  const lastEol = /\r?\n$/.exec(lines[edit.endLine - 1] ?? '')?.[0] ?? '';
  const written = edit.replacement.map((r, i) => `${r === '' ? prefix.replace(/\s+$/, '') : `${prefix}${r}`}${i === edit.replacement.length - 1 ? lastEol : eol}`);
  lines.splice(edit.line - 1, edit.endLine - edit.line + 1, ...written);
}

function replaceWord(edit: WordEdit, lines: string[]): void {
  const line = lines[edit.line - 1] ?? '';
  lines[edit.line - 1] = line.replace(wordPattern(edit.from, 'g'), edit.to);
}
