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
}

/** Severities from most to least serious; reports sort and count in this order. */
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
