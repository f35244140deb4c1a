// Verifies many lessons on one cluster, several at a time. A lesson that creates namespaces of its
// own runs alone: its identity is given every namespace created while it runs (see
// src/sandbox/lesson-credentials.ts), and two lessons may create the same fixed name. The others
// run side by side, each in its own namespace, up to `jobs` at once. Each lesson's exercises stay
// in the student's order.
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { LessonError } from '../lesson/lesson-error.ts';
import type { VerificationReport } from '../report/verification-report.ts';
import { mergeRuns } from './merge-runs.ts';
import { loadLesson, namespacesNamed, verifyLesson, type VerifyOptions } from '../verify/verify-lesson.ts';

export interface CourseResult {
  lesson: string;
  report?: VerificationReport;
  /** The lesson could not be verified at all (it does not parse, or the run broke): the message. */
  error?: string;
}

export interface CourseReport {
  startedAt: number;
  durationMs: number;
  cluster: { provider: string; version: string };
  /** In the order the lessons were given. */
  results: CourseResult[];
}

export interface CourseOptions extends Omit<VerifyOptions, 'lessonPath'> {
  lessons: string[];
  cluster: StartedCluster;
  /** Lessons verified at the same time. */
  jobs: number;
  /** Each lesson verified this many times, each in a fresh namespace; findings say in how many runs they were seen. */
  runs?: number;
  /** Called with each lesson's result as soon as it is known. */
  onResult?: (result: CourseResult) => void;
}

export async function verifyCourse(options: CourseOptions): Promise<CourseReport> {
  const startedAt = Date.now();
  const results = new Map<string, CourseResult>();
  const alone: string[] = [];
  const together: string[] = [];
  for (const lesson of options.lessons) {
    try {
      (namespacesNamed(await loadLesson(lesson, options)).length > 0 ? alone : together).push(lesson);
    } catch (error) {
      record({ lesson, error: messageOf(error) });
    }
  }
  const queue = [...together];
  const worker = async (): Promise<void> => {
    for (let lesson = queue.shift(); lesson !== undefined; lesson = queue.shift()) await verifyOne(lesson);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.jobs, queue.length)) }, worker));
  for (const lesson of alone) await verifyOne(lesson);
  return {
    startedAt, durationMs: Date.now() - startedAt, cluster: { provider: options.cluster.provider, version: options.cluster.version },
    results: options.lessons.map((lesson) => results.get(lesson) ?? { lesson, error: 'not verified' }),
  };

  async function verifyOne(lesson: string): Promise<void> {
    const log = options.log;
    // With several lessons at once, each line says whose it is.
    const prefixed = log && options.lessons.length > 1 ? (line: string) => log(line.replace(/^(\n?)/, `$1[${lesson}] `)) : log;
    try {
      const reports: VerificationReport[] = [];
      for (let run = 1; run <= (options.runs ?? 1); run++) {
        if ((options.runs ?? 1) > 1) prefixed?.(`\n── ${lesson}: run ${run} of ${options.runs ?? 1}`);
        reports.push(await verifyLesson({ ...options, lessonPath: lesson, ...(prefixed ? { log: prefixed } : {}) }));
      }
      record({ lesson, report: mergeRuns(reports) });
    } catch (error) {
      record({ lesson, error: messageOf(error) });
    }
  }

  function record(result: CourseResult): void {
    results.set(result.lesson, result);
    options.onResult?.(result);
  }
}

function messageOf(error: unknown): string {
  return error instanceof LessonError || error instanceof HarnessError ? error.message : String((error as Error)?.stack ?? error);
}
