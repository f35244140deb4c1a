/**
 * The mechanical fixes as changes to exact lines of the lesson file, for tools that apply or show
 * an edit without lesson-verify: GitHub's suggested changes on a pull request's lines (a review's
 * ```suggestion blocks) and SARIF's `fixes`. Each edit is applied alone to the lesson's text by the
 * same code as --fix (so a blockquote's `> ` or a list indent is kept, and an edit that no longer
 * fits the file is left out), then read back as "lines a..b become these lines".
 */
import type { Finding, LessonEdit } from '../findings/finding.ts';
import { applyFixes } from './apply-fixes.ts';

export interface SuggestedChange {
  /** 1-based, inclusive: the lines of the lesson as verified that the change replaces. */
  startLine: number;
  endLine: number;
  /** The new lines, exactly as they go in the file (container prefixes included, no line ends). */
  lines: string[];
  /** The findings whose fix this is (several findings about one table share one edit). */
  findings: Finding[];
}

const splitLines = (text: string): string[] => text.split(/\r?\n/);

export function suggestedChanges(source: string, findings: readonly Finding[]): SuggestedChange[] {
  const before = splitLines(source);
  const byEdit = new Map<string, { edit: LessonEdit; findings: Finding[] }>();
  for (const finding of findings) {
    for (const edit of finding.fix ?? []) {
      const key = JSON.stringify(edit);
      const entry = byEdit.get(key) ?? { edit, findings: [] };
      entry.findings.push(finding);
      byEdit.set(key, entry);
    }
  }
  const changes: SuggestedChange[] = [];
  for (const { edit, findings: carriers } of byEdit.values()) {
    const result = applyFixes(source, [{ ...(carriers[0] as Finding), fix: [edit] }]);
    if (result.applied.length === 0) continue; // the lesson changed since it was verified: --fix says why
    const after = splitLines(result.text);
    const startLine = edit.line;
    const endLine = edit.kind === 'lines' ? edit.endLine : edit.line;
    const count = after.length - (before.length - (endLine - startLine + 1));
    changes.push({ startLine, endLine, lines: after.slice(startLine - 1, startLine - 1 + count), findings: carriers });
  }
  return changes.sort((a, b) => a.startLine - b.startLine);
}
