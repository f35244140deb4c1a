/**
 * JUnit XML so CI systems show a lesson like a test run: a testsuite per exercise, a testcase per
 * command and per expectation. Error findings fail the testcase they belong to (the closest step
 * at or above the finding's line); warnings go to <system-out> because JUnit has no warning state.
 */
import type { Finding } from '../findings/finding.ts';
import { escapeXml as esc } from './escape.ts';
import { exercisePassed, stoppedSummary, type ExerciseReport, type StoppedRun, type VerificationReport } from './verification-report.ts';

interface Case {
  name: string;
  line: number;
  timeMs: number;
  failures: string[];
  findings: Finding[];
}

export function junitReport(report: VerificationReport): string {
  const suites = report.exercises.map((e) => suite(e, report));
  const tests = suites.reduce((n, s) => n + s.tests, 0);
  const failures = suites.reduce((n, s) => n + s.failures, 0);
  // A run that ended early is an error of the run (JUnit's <error>), not a failure of the lesson.
  const stopped = report.stopped ? stoppedSuite(report.stopped, report) : undefined;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(report.lesson)}" tests="${tests + (stopped ? 1 : 0)}" failures="${failures}" errors="${stopped ? 1 : 0}" time="${secs(report.durationMs)}" timestamp="${new Date(report.startedAt).toISOString()}">`,
    ...suites.map((s) => s.xml),
    ...(stopped ? [stopped] : []),
    '</testsuites>',
    '',
  ].join('\n');
}

function suite(exercise: ExerciseReport, report: VerificationReport): { xml: string; tests: number; failures: number } {
  const cases: Case[] = [
    ...exercise.commands.map((c) => ({ name: `line ${c.line}: ${c.command}`, line: c.line, timeMs: c.durationMs ?? 0, failures: [], findings: [] })),
    ...(exercise.expectations ?? []).map((x) => ({ name: `line ${x.line}: expect ${x.expression}`, line: x.line, timeMs: 0, failures: x.ok ? [] : [x.message], findings: [] })),
  ].sort((a, b) => a.line - b.line);
  for (const f of exercise.findings) {
    let owner = cases.filter((c) => c.line <= f.line).at(-1);
    if (!owner) {
      // A finding above the first command (a manifest, the prose) gets a testcase of its own.
      owner = { name: `line ${exercise.line}: lesson text`, line: exercise.line, timeMs: 0, failures: [], findings: [] };
      cases.unshift(owner);
    }
    owner.findings.push(f);
    if (f.severity === 'error') owner.failures.push(`${f.title}`);
  }
  const failed = cases.filter((c) => c.failures.length > 0).length;
  const classname = `${report.lesson}.${exercise.title}`;
  const xml = [
    `  <testsuite name="${esc(exercise.title)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0" time="${secs(exercise.durationMs)}">`,
    `    <properties><property name="cluster" value="${esc(`${report.cluster.provider} ${report.cluster.version}`)}"/><property name="passed" value="${exercisePassed(exercise)}"/></properties>`,
    ...cases.map((c) => testcase(c, classname, report.lesson)),
    '  </testsuite>',
  ].join('\n');
  return { xml, tests: cases.length, failures: failed };
}

function stoppedSuite(stopped: StoppedRun, report: VerificationReport): string {
  const title = stopped.exercise?.title ?? report.lesson;
  const type = stopped.cause === 'interrupted' ? 'Interrupted' : 'ClusterFault';
  return [
    `  <testsuite name="${esc(title)}" tests="1" failures="0" errors="1" skipped="0" time="0.000">`,
    `    <testcase name="${esc(`line ${stopped.exercise?.line ?? 1}: ${title}`)}" classname="${esc(`${report.lesson}.${title}`)}" file="${esc(report.lesson)}" line="${stopped.exercise?.line ?? 1}" time="0.000">`,
    `      <error message="${esc(stoppedSummary(stopped))}" type="${type}">${esc(stopped.message)}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

function testcase(c: Case, classname: string, file: string): string {
  const details = c.findings.map((f) => `${f.severity} ${f.file}:${f.line} ${f.title}\n  lesson says: ${f.lessonSays}\n  cluster did: ${f.clusterDid}\n  suggestion: ${f.suggestion}`).join('\n');
  const body = [
    c.failures.length > 0 ? `      <failure message="${esc(c.failures.join('; '))}" type="LessonMismatch">${esc(details || c.failures.join('\n'))}</failure>` : '',
    c.findings.length > 0 && c.failures.length === 0 ? `      <system-out>${esc(details)}</system-out>` : '',
  ].filter(Boolean);
  const open = `    <testcase name="${esc(c.name)}" classname="${esc(classname)}" file="${esc(file)}" line="${c.line}" time="${secs(c.timeMs)}"`;
  return body.length === 0 ? `${open}/>` : `${open}>\n${body.join('\n')}\n    </testcase>`;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(3);
}
