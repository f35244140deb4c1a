/**
 * A compact summary for the terminal. Each finding starts with `file:line` so editors and
 * terminals can jump to it; colours only when writing to a TTY, so logs and pipes stay clean.
 */
import type { Severity } from '../findings/finding.ts';
import { allFindings, countBySeverity, exercisePassed, sortFindings, stoppedSummary, type VerificationReport } from './verification-report.ts';

export interface TerminalOptions {
  /** Pass `process.stdout.isTTY` (and false when NO_COLOR is set). */
  isTTY?: boolean;
}

const ANSI = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
const SEVERITY_COLOUR: Record<Severity, keyof typeof ANSI> = { error: 'red', warning: 'yellow', info: 'cyan' };

export function terminalSummary(report: VerificationReport, options: TerminalOptions = {}): string {
  const paint = (colour: keyof typeof ANSI, text: string) => (options.isTTY ? `\u001B[${ANSI[colour]}m${text}\u001B[0m` : text);
  const counts = countBySeverity(allFindings(report));
  const lines = [
    paint('bold', `${report.lesson} on ${report.cluster.provider} ${report.cluster.version}: ${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info (${(report.durationMs / 1000).toFixed(1)} s)`),
  ];
  if (report.stopped) lines.push(paint('red', stoppedSummary(report.stopped)));
  for (const exercise of report.exercises) {
    const passed = exercisePassed(exercise);
    lines.push(`${passed ? paint('green', '✓') : paint('red', '✗')} ${exercise.title} ${paint('dim', `(${(exercise.durationMs / 1000).toFixed(1)} s)`)}`);
    for (const f of sortFindings(exercise.findings)) {
      lines.push(`  ${f.file}:${f.line} ${paint(SEVERITY_COLOUR[f.severity], f.severity)} ${f.title}`);
      // Only the first line: a full "replace the output with" block belongs in the file reports.
      const [first = '', ...rest] = f.suggestion.split('\n');
      lines.push(paint('dim', `      → ${first}${rest.length > 0 ? ' …' : ''}`));
    }
    for (const x of (exercise.expectations ?? []).filter((e) => !e.ok)) {
      lines.push(`  ${report.lesson}:${x.line} ${paint('red', 'expect')} ${x.message}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
