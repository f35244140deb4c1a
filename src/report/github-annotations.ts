/**
 * Findings as GitHub Actions workflow commands (`::error file=…,line=…,title=…::message`), which
 * GitHub shows on the lines of the pull request's diff. Escaping follows the runner's rules
 * (actions/toolkit `command.ts`): in the message `%`, CR and LF are percent-encoded; in property
 * values `:` and `,` as well, since they separate properties.
 */
import path from 'node:path';
import type { Finding, Severity } from '../findings/finding.ts';
import { allFindings, sortFindings, type VerificationReport } from './verification-report.ts';

const COMMAND: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `root`: the repository's root; GitHub places an annotation only on a path relative to it. */
export function workflowCommand(f: Finding, root = process.cwd()): string {
  const message = [f.suggestion, `Lesson says: ${f.lessonSays}`, `Cluster did: ${f.clusterDid}`, ...(f.fix?.length ? ['Fixable: lesson-verify --fix'] : [])].join('\n');
  const file = path.isAbsolute(f.file) ? path.relative(root, f.file) : f.file;
  return `::${COMMAND[f.severity]} file=${escapeProperty(file.split(path.sep).join('/'))},line=${f.line},title=${escapeProperty(`${f.exercise}: ${f.title}`)}::${escapeData(message)}\n`;
}

export function githubAnnotations(report: VerificationReport, root = process.cwd()): string {
  return sortFindings(allFindings(report)).map((f) => workflowCommand(f, root)).join('');
}
