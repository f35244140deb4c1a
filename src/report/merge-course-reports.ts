/**
 * One course index from the shards' own: each CI runner verifies its share of the lessons
 * (`--shard i/n`) and writes a course index; the final job merges them into the index one run over
 * every lesson would have written — rows of every shard with their links rebased onto the shard's
 * folder, one JUnit file, the timings that balance the next run. Pure: texts in, texts out.
 */
import path from 'node:path';
import type { CourseRow, CourseSummary } from './course-report.ts';

/** A shard's course.json as courseJson writes it. */
export interface CourseJsonFile {
  startedAt: string;
  durationMs: number;
  cluster: { provider: string; version: string };
  exitCode: number;
  lessons: CourseRow[];
  /** Set by a merge: the shards' folders relative to it. A merged index is never taken for a shard. */
  mergedFrom?: string[];
}

export interface ShardIndex {
  /** The shard's folder relative to the merged index, with `/` separators ('' when it is the same folder). */
  dir: string;
  course: CourseJsonFile;
}

/** Reads a course.json, saying which file is not one (a shard from another tool, a truncated download). */
export function parseCourseJson(text: string, file: string): CourseJsonFile {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TypeError(`Expected ${file} to be a course.json of lesson-verify, and it is not JSON: ${(error as Error).message}`);
  }
  const v = value as Partial<CourseJsonFile> | null;
  const ok = v !== null && typeof v === 'object' && typeof v.startedAt === 'string' && !Number.isNaN(Date.parse(v.startedAt))
    && typeof v.durationMs === 'number' && typeof v.cluster?.provider === 'string' && typeof v.cluster.version === 'string'
    && Array.isArray(v.lessons) && v.lessons.every((r) => typeof r.lesson === 'string' && ['pass', 'fail', 'broken'].includes(r.result));
  if (!ok) throw new TypeError(`Expected ${file} to be a course.json of lesson-verify (startedAt, durationMs, cluster, lessons), got ${text.slice(0, 80)}…`);
  return v as CourseJsonFile;
}

/** The merged index: every shard's rows (sorted by lesson, links rebased), over the time from the first start to the last end. */
export function mergeCourses(shards: ShardIndex[]): { summary: CourseSummary; rows: CourseRow[] } {
  if (shards.length === 0) throw new TypeError('Expected at least one shard\'s course.json to merge');
  const seen = new Map<string, string>();
  const rows: CourseRow[] = [];
  for (const shard of shards) {
    for (const row of shard.course.lessons) {
      const other = seen.get(row.lesson);
      if (other !== undefined) {
        throw new TypeError(`Expected each lesson in one shard, got ${row.lesson} in ${other || '.'} and ${shard.dir || '.'}: give each runner its own --shard i/n`);
      }
      seen.set(row.lesson, shard.dir);
      rows.push(row.link ? { ...row, link: path.posix.join(shard.dir, row.link) } : row);
    }
  }
  rows.sort((a, b) => a.lesson.localeCompare(b.lesson));
  const starts = shards.map((s) => Date.parse(s.course.startedAt));
  const ends = shards.map((s, i) => (starts[i] ?? 0) + s.course.durationMs);
  const startedAt = Math.min(...starts);
  const distinct = (values: string[]): string => [...new Set(values)].join(', ');
  return {
    summary: {
      startedAt,
      durationMs: Math.max(...ends) - startedAt,
      cluster: { provider: distinct(shards.map((s) => s.course.cluster.provider)), version: distinct(shards.map((s) => s.course.cluster.version)) },
    },
    rows,
  };
}

/** The shards' course.junit.xml as one file: every lesson's testsuite under one <testsuites>. */
export function mergeJunit(files: string[], durationMs: number): string {
  const suites = files.flatMap((xml) => xml.match(/^ {2}<testsuite [\s\S]*?<\/testsuite>$/gm) ?? []);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="course" time="${(durationMs / 1000).toFixed(3)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/** The shards' timings.json as one (for the next run's --timings): every lesson's last duration. */
export function mergeTimings(files: Record<string, number>[]): Record<string, number> {
  return Object.fromEntries(files.flatMap((t) => Object.entries(t)).sort(([a], [b]) => a.localeCompare(b)));
}
