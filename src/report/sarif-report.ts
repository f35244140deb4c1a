/**
 * The findings as SARIF 2.1.0, the format GitHub code scanning reads (upload it with
 * github/codeql-action/upload-sarif): each finding a result at its lesson line, with one rule
 * per kind of finding so that code scanning can group and dismiss them.
 */
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity } from '../findings/finding.ts';
import { allFindings, sortFindings, stoppedSummary, type VerificationReport } from './verification-report.ts';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/** The kind of a finding, from its title without the specifics: "pod 1: lesson …" → "pod-n". */
export function ruleId(title: string): string {
  const kind = (title.split(':')[0] ?? title).toLowerCase().replace(/\d+/g, 'n').replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
  return `lesson/${kind || 'finding'}`;
}

export function sarifReport(report: VerificationReport, toolVersion = '0.1.0'): string {
  const findings = sortFindings(allFindings(report));
  const rules = new Map<string, ReportingDescriptor>();
  for (const f of findings) {
    const id = ruleId(f.title);
    if (!rules.has(id)) rules.set(id, { id, shortDescription: { text: f.title.split(':')[0] ?? f.title } });
  }
  const ids = [...rules.keys()];
  const log: Log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'lesson-verify', version: toolVersion, rules: [...rules.values()] } },
      results: findings.map((f) => result(f, ids.indexOf(ruleId(f.title)))),
      // A run that ended early did not execute successfully: the lesson was not verified to its end.
      invocations: [{
        executionSuccessful: !report.stopped,
        ...(report.stopped ? { toolExecutionNotifications: [{ level: 'error' as const, message: { text: `${stoppedSummary(report.stopped)}\n${report.stopped.message}` } }] } : {}),
        startTimeUtc: new Date(report.startedAt).toISOString(), endTimeUtc: new Date(report.startedAt + report.durationMs).toISOString(),
      }],
      properties: { cluster: report.cluster },
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function result(f: Finding, ruleIndex: number): Result {
  return {
    ruleId: ruleId(f.title),
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.title}\nLesson says: ${f.lessonSays}\nCluster did: ${f.clusterDid}\nSuggestion: ${f.suggestion}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: f.file.split('\\').join('/') }, region: { startLine: Math.max(1, f.line) } } }],
    properties: { exercise: f.exercise, fixable: (f.fix?.length ?? 0) > 0 },
  };
}
