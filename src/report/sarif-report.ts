/**
 * The findings as SARIF 2.1.0, the format GitHub code scanning reads (upload it with
 * github/codeql-action/upload-sarif): each finding a result at its lesson line, with one rule
 * per kind of finding so that code scanning can group and dismiss them. A finding with a
 * mechanical fix carries it as SARIF `fixes` (whole lines of the lesson replaced), when the
 * lesson's text is given.
 */
import type { Fix, Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding, Severity } from '../findings/finding.ts';
import { suggestedChanges, type SuggestedChange } from '../fix/suggested-changes.ts';
import { allFindings, sortFindings, stoppedSummary, type VerificationReport } from './verification-report.ts';

const LEVEL: Record<Severity, Result.level> = { error: 'error', warning: 'warning', info: 'note' };

/** The kind of a finding, from its title without the specifics: "pod 1: lesson …" → "pod-n". */
export function ruleId(title: string): string {
  const kind = (title.split(':')[0] ?? title).toLowerCase().replace(/\d+/g, 'n').replace(/[^a-z]+/g, '-').replace(/^-|-$/g, '');
  return `lesson/${kind || 'finding'}`;
}

/** `source`: the lesson's text as verified, for the fixes' exact lines (no `fixes` without it). */
export function sarifReport(report: VerificationReport, options: { toolVersion?: string; source?: string } = {}): string {
  const { toolVersion = '0.1.0', source } = options;
  const findings = sortFindings(allFindings(report));
  const changes = source === undefined ? [] : suggestedChanges(source, findings);
  const eol = source?.includes('\r\n') ? '\r\n' : '\n';
  const lineCount = source?.split(/\r?\n/).length ?? 0;
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
      results: findings.map((f) => {
        const fixes = changes.filter((c) => c.findings.includes(f)).map((c) => sarifFix(f, c, eol, lineCount));
        return { ...result(f, ids.indexOf(ruleId(f.title))), ...(fixes.length ? { fixes } : {}) };
      }),
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

/**
 * Lines a..b replaced: from the start of line a to the start of line b+1, so the line ends go
 * with them and an empty replacement deletes the lines; the last line of a file without a line
 * after it ends at its end instead.
 */
function sarifFix(f: Finding, change: SuggestedChange, eol: string, lineCount: number): Fix {
  const toNextLine = change.endLine < lineCount;
  const text = toNextLine ? change.lines.map((l) => `${l}${eol}`).join('') : change.lines.join(eol);
  return {
    description: { text: `lesson-verify --fix: ${f.title}` },
    artifactChanges: [{
      artifactLocation: { uri: f.file.split('\\').join('/') },
      replacements: [{
        deletedRegion: toNextLine ? { startLine: change.startLine, startColumn: 1, endLine: change.endLine + 1, endColumn: 1 } : { startLine: change.startLine, endLine: change.endLine },
        insertedContent: { text },
      }],
    }],
  };
}
