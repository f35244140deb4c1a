/**
 * One thing a course author should know about a lesson: where it is, what the lesson says, what the
 * cluster did and what to change. Every check in the harness reports through this shape so that
 * all report writers can render any finding.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  severity: Severity;
  /** Lesson file as given on the command line. */
  file: string;
  /** 1-based line in the lesson the author should edit. */
  line: number;
  /** Title of the exercise (the lesson heading) the finding belongs to. */
  exercise: string;
  /** One line, e.g. "column added: STATUS". */
  title: string;
  lessonSays: string;
  clusterDid: string;
  /** A concrete edit, e.g. "Replace the output with: …". */
  suggestion: string;
  /**
   * The same edit as data, when it is mechanical (`lesson-verify --fix` applies it). Absent when
   * the finding needs a human: a false claim, an exercise that does not settle, a stuck pod.
   */
  fix?: LessonEdit[];
}

/**
 * Replaces lesson lines `line`..`endLine` (inclusive). `original` is their text inside the
 * Markdown container (without a blockquote's `> ` or a list item's indent), so an edit can be
 * checked against the file before it is applied and put back into the same container.
 */
export interface LineEdit {
  kind: 'lines';
  line: number;
  endLine: number;
  original: string[];
  replacement: string[];
}

/** Replaces the whole word `from` with `to` on lesson line `line` (a file name in prose, an exit code in a marker). */
export interface WordEdit {
  kind: 'word';
  line: number;
  from: string;
  to: string;
}

export type LessonEdit = LineEdit | WordEdit;

/** Severities from most to least serious; reports sort and count in this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
