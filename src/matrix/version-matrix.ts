/**
 * Which Kubernetes versions does a lesson hold on? The same course verified on several versions
 * (one cluster each) becomes a matrix lesson × version, and every finding says on which versions
 * it was seen: "on every version" is a mistake in the lesson; "only on 1.35" is a difference
 * between versions, and the author gets a form of the output that holds on all of them. Pure:
 * course reports in, matrix out; src/matrix/matrix-report.ts renders it.
 */
import { diffLines } from 'diff';
import type { Finding } from '../findings/finding.ts';
import { compareKubernetesVersions } from '../config/kubernetes-versions.ts';
import { findingKey } from '../course/merge-runs.ts';
import type { CourseReport } from '../course/verify-course.ts';
import { courseRows, type CourseRow } from '../report/course-report.ts';
import { allFindings } from '../report/verification-report.ts';

/** One version's run of the course. */
export interface VersionCourse {
  /** The API server's version, e.g. v1.36.3. */
  version: string;
  course: CourseReport;
}

export interface MatrixCell extends Omit<CourseRow, 'lesson'> {
  version: string;
}

export interface VersionedFinding {
  /** As the newest version that saw it reported it. */
  finding: Finding;
  /** Versions that saw it, oldest first. */
  versions: string[];
  everywhere: boolean;
  /** Seen on every version, though maybe not alike (its output differs between versions, or with timing). */
  seenOnAll: boolean;
  /** What the cluster did on each version that saw it (they may differ). */
  clusterDid: { version: string; text: string }[];
  /** When the versions disagree: a form of the lesson's text that holds on every version. */
  holdsOnAll?: string;
}

export interface MatrixLesson {
  lesson: string;
  cells: MatrixCell[];
  /** Badge text, e.g. "holds on 1.36–1.37". */
  holdsOn: string;
  findings: VersionedFinding[];
}

export interface VersionMatrix {
  versions: string[];
  lessons: MatrixLesson[];
  durationMs: number;
}

/** v1.36.3 → 1.36: authors think in minors, and patches of one minor print the same. */
export const minorOf = (version: string): string => version.replace(/^v/, '').split('.').slice(0, 2).join('.');

export function versionMatrix(runs: VersionCourse[]): VersionMatrix {
  const sorted = [...runs].sort((a, b) => compareKubernetesVersions(a.version, b.version));
  const versions = sorted.map((r) => r.version);
  const lessons = [...new Set(sorted.flatMap((r) => r.course.results.map((x) => x.lesson)))];
  return {
    versions,
    durationMs: sorted.reduce((sum, r) => sum + r.course.durationMs, 0),
    lessons: lessons.map((lesson) => {
      const cells = sorted.map(({ version, course }): MatrixCell => {
        const row = courseRows({ ...course, results: course.results.filter((r) => r.lesson === lesson) })[0]
          ?? { lesson, result: 'broken' as const, errors: 1, warnings: 0, infos: 0, seconds: 0, problem: 'not verified on this version' };
        return { version, result: row.result, errors: row.errors, warnings: row.warnings, infos: row.infos, seconds: row.seconds, ...(row.problem ? { problem: row.problem } : {}) };
      });
      return { lesson, cells, holdsOn: holdsOn(versions, cells.filter((c) => c.result === 'pass').map((c) => c.version)), findings: versionedFindings(lesson, sorted) };
    }),
  };
}

/** "holds on 1.36–1.37" for a run of neighbouring tested versions, else a list; every/none said so. */
export function holdsOn(tested: string[], passing: string[]): string {
  const minors = tested.map(minorOf);
  const range = (list: string[]): string => (list.length === 1 ? list[0] ?? '' : `${list[0] ?? ''}–${list.at(-1) ?? ''}`);
  if (passing.length === 0) return `holds on none of ${range(minors)}`;
  if (passing.length === tested.length) return `holds on ${range(minors)}`;
  const indexes = passing.map((v) => tested.indexOf(v)).sort((a, b) => a - b);
  const contiguous = indexes.every((n, i) => i === 0 || n === (indexes[i - 1] ?? -2) + 1);
  const passingMinors = indexes.map((i) => minors[i] ?? '');
  return `holds on ${contiguous ? range(passingMinors) : passingMinors.join(', ')}`;
}

function versionedFindings(lesson: string, runs: VersionCourse[]): VersionedFinding[] {
  const seen = new Map<string, VersionedFinding>();
  for (const { version, course } of runs) {
    const report = course.results.find((r) => r.lesson === lesson)?.report;
    for (const finding of report ? allFindings(report) : []) {
      const entry = seen.get(findingKey(finding)) ?? { finding, versions: [], everywhere: false, seenOnAll: false, clusterDid: [] };
      entry.finding = finding;
      entry.versions.push(version);
      entry.clusterDid.push({ version, text: finding.clusterDid });
      seen.set(findingKey(finding), entry);
    }
  }
  const verified = runs.filter((r) => r.course.results.some((x) => x.lesson === lesson && x.report)).length;
  return [...seen.values()].map((entry) => {
    const seenOnAll = entry.versions.length === verified;
    const everywhere = seenOnAll && new Set(entry.clusterDid.map((c) => c.text)).size === 1;
    if (everywhere || entry.finding.severity === 'info') return { ...entry, everywhere, seenOnAll };
    // The lesson's text holds where the finding was not seen; each version that saw it printed its own form.
    const forms = [...new Set([...(entry.versions.length < verified ? [entry.finding.lessonSays] : []), ...entry.clusterDid.map((c) => c.text)])];
    const holdsOnAll = forms.reduce((a, b) => outputHoldingBoth(a, b));
    return { ...entry, everywhere, seenOnAll, ...(holdsOnAll.trim() && holdsOnAll.trim() !== '...' ? { holdsOnAll } : {}) };
  }).sort((a, b) => a.finding.line - b.finding.line);
}

/**
 * Lesson output that matches both forms under the comparison's rules: lines they share are kept,
 * one changed line becomes its common start and end around an inline `...`, and a hunk of several
 * lines becomes a `...` line (which stands for any lines).
 */
export function outputHoldingBoth(a: string, b: string): string {
  const out: string[] = [];
  const parts = diffLines(a.endsWith('\n') ? a : `${a}\n`, b.endsWith('\n') ? b : `${b}\n`);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (!part) continue;
    const lines = part.value.replace(/\n$/, '').split('\n');
    if (!part.added && !part.removed) {
      out.push(...lines);
      continue;
    }
    const next = parts[i + 1];
    const other = next && (next.added || next.removed) && next.added !== part.added ? next.value.replace(/\n$/, '').split('\n') : undefined;
    if (other) i++;
    const [only, otherOnly] = [lines, other ?? []];
    if (only.length === 1 && otherOnly.length === 1) out.push(inlineWildcard(only[0] ?? '', otherOnly[0] ?? ''));
    else if (out.at(-1) !== '...') out.push('...');
  }
  return out.join('\n');
}

/** The common start and end of two lines, cut at word boundaries, around `...`. */
function inlineWildcard(a: string, b: string): string {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  // A word boundary: where each line ends or has a space, or right after a space.
  const boundary = (i: number, x: string, y: string): boolean => /^\s?$/.test(x[i] ?? '') && /^\s?$/.test(y[i] ?? '');
  while (start > 0 && !boundary(start, a, b) && !/\s/.test(a[start - 1] ?? '')) start--;
  let end = 0;
  while (end < a.length - start && end < b.length - start && a[a.length - 1 - end] === b[b.length - 1 - end]) end++;
  const endBoundary = (n: number): boolean => /^\s?$/.test(a[a.length - n - 1] ?? '') && /^\s?$/.test(b[b.length - n - 1] ?? '');
  while (end > 0 && !endBoundary(end) && !/\s/.test(a[a.length - end] ?? '')) end--;
  const prefix = a.slice(0, start);
  const suffix = a.slice(a.length - end);
  return prefix || suffix ? `${prefix}...${suffix}` : '...';
}
