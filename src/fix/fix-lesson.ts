/**
 * `lesson-verify --fix`, without the file system: the lesson with every mechanical fix applied,
 * the unified diff an author reviews, and what is left for the author (the TODO list).
 */
import { createTwoFilesPatch } from 'diff';
import type { Finding } from '../findings/finding.ts';
import { applyFixes, type AppliedEdit, type SkippedEdit } from './apply-fixes.ts';

export interface FixedLesson {
  text: string;
  /** Unified diff from the lesson to the fixed lesson ('' when nothing changed). */
  diff: string;
  applied: AppliedEdit[];
  skipped: SkippedEdit[];
  /** Errors and warnings with no mechanical fix, or whose fix could not be applied: a human decides. */
  todo: Finding[];
}

export function fixLesson(source: string, findings: readonly Finding[], names: { from: string; to: string }): FixedLesson {
  const result = applyFixes(source, findings);
  const notApplied = new Set(result.skipped.flatMap((s) => s.findings));
  const todo = findings.filter((f) => f.severity !== 'info' && (!f.fix?.length || notApplied.has(f)));
  const diff = result.text === source ? '' : createTwoFilesPatch(names.from, names.to, source, result.text, undefined, undefined, { context: 3 });
  return { ...result, diff, todo };
}
