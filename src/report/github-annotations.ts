/**
 * Findings as GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which
 * GitHub shows on the lines of the pull request's diff. Escaping follows the runner's rules
 * (actions/toolkit `command.ts`): in the message `%`, CR and LF are percent-encoded; in property
 * values `:` and `,` as well, since they separate properties.
 */
import type { Finding, Severity } from '../findings/finding.ts';
import { allFindings, sortFindings, type VerificationReport } from './verification-report.ts';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export function workflowCommand(f: Finding): string {
  const message = [f.suggestion, `Lesson says: ${f.lessonSays}`, `Cluster did: ${f.clusterDid}`, ...(f.fix?.length ? ['Fixable: lesson-verify --fix'] : [])].join('\n');
  // The file must be relative to the repository root for GitHub to place it on the diff.
  return `::${COMMAND[f.severity]} file=${escapeProperty(f.file)},line=${f.line},title=${escapeProperty(`${f.exercise}: ${f.title}`)}::${escapeData(message)}\n`;
}

export function githubAnnotations(report: VerificationReport): string {
  return sortFindings(allFindings(report)).map(workflowCommand).join('');
}
