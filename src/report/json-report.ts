/**
 * The report as JSON for other tools. The report itself is already plain data; the summary is
 * added so consumers need not recount, and the schema version so they can detect changes.
 */
import { allFindings, countBySeverity, exercisePassed, type VerificationReport } from './verification-report.ts';

export const JSON_REPORT_SCHEMA_VERSION = 1;

export function jsonReport(report: VerificationReport): string {
  const summary = {
    ...countBySeverity(allFindings(report)),
    exercisesPassed: report.exercises.filter(exercisePassed).length,
    exercisesFailed: report.exercises.filter((e) => !exercisePassed(e)).length,
  };
  return `${JSON.stringify({ schemaVersion: JSON_REPORT_SCHEMA_VERSION, summary, ...report }, null, 2)}\n`;
}
