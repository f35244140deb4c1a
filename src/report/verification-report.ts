/**
 * The result of verifying one lesson: a tree lesson → exercise → command, with times, so that
 * every writer in this folder (HTML, Markdown, JUnit, JSON, terminal) renders the same data.
 */
import { SEVERITIES, type Finding, type Severity } from '../findings/finding.ts';

/** Times are epoch milliseconds. `finishedAt` of a Deleted pod is when it was deleted. */
export interface PodLifetime {
  name: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  outcome: 'Succeeded' | 'Failed' | 'Running' | 'Pending' | 'Deleted';
  restarts: number;
}

export interface CommandReport {
  command: string;
  line: number;
  exitCode: number;
  output: string;
  durationMs?: number;
}

/** One `<!-- expect: -->` clause and how it fared. */
export interface ExpectationReport {
  expression: string;
  line: number;
  ok: boolean;
  message: string;
}

export interface ExerciseReport {
  title: string;
  line: number;
  durationMs: number;
  findings: Finding[];
  commands: CommandReport[];
  pods: PodLifetime[];
  expectations?: ExpectationReport[];
}

export interface VerificationReport {
  lesson: string;
  startedAt: number;
  durationMs: number;
  cluster: { provider: string; version: string };
  /** The exercises that ran to their end; with `stopped`, the run ended early and the rest did not run. */
  exercises: ExerciseReport[];
  /** Set when the run ended early: a person stopped it (SIGINT/SIGTERM) or the cluster broke. */
  stopped?: StoppedRun;
}

export interface StoppedRun {
  cause: 'interrupted' | 'cluster fault';
  /** What happened, e.g. "interrupted by SIGTERM" or the cluster fault with its component's log. */
  message: string;
  /** The exercise that was running (or about to run); it is not among `exercises`. */
  exercise?: { title: string; line: number };
}

/** One line for the top of every report: what stopped the run, and where. */
export function stoppedSummary(stopped: StoppedRun): string {
  const where = stopped.exercise ? ` during "${stopped.exercise.title}" (line ${stopped.exercise.line})` : '';
  return `${stopped.cause === 'interrupted' ? 'INTERRUPTED' : 'CLUSTER FAULT'}${where}: ${stopped.message.split('\n')[0] ?? ''} — this report is partial; the exercises after it did not run`;
}

export function allFindings(report: VerificationReport): Finding[] {
  return report.exercises.flatMap((e) => e.findings);
}

export function countBySeverity(findings: readonly Finding[]): Record<Severity, number> {
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  return counts;
}

/** In lesson order (errors first on the same line), so every writer lists findings alike. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => a.line - b.line || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity));
}

/** An exercise passes when it has no error finding and no failed expectation. */
export function exercisePassed(exercise: ExerciseReport): boolean {
  return !exercise.findings.some((f) => f.severity === 'error') && !(exercise.expectations ?? []).some((e) => !e.ok);
}
