// lesson-verify <lesson.md|folder>… — runs lessons on a real cluster and reports where they are wrong.
// Exit codes: 0 no error finding, 1 error findings, 2 a lesson or the options could not be used;
// with several lessons, the worst lesson's. 130/143 after SIGINT/SIGTERM.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveProvider } from '../cluster-providers/resolve-provider.ts';
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { LessonError } from '../lesson/lesson-error.ts';
import { FIX_MODES, writeFixedLesson, type FixMode } from '../fix/write-fixed-lesson.ts';
import { githubAnnotations } from '../report/github-annotations.ts';
import { terminalSummary } from '../report/terminal-summary.ts';
import { allFindings } from '../report/verification-report.ts';
import { writeReports } from '../report/write-reports.ts';
import { expandLessonPaths, shardLessons } from '../course/lesson-paths.ts';
import { verifyCourse, type CourseResult } from '../course/verify-course.ts';
import { courseExitCode, courseHtml, courseJson, courseJunit, courseMarkdown, courseRows, courseTerminalTable } from '../report/course-report.ts';
import type { VerificationReport } from '../report/verification-report.ts';
import { loadLesson } from '../verify/verify-lesson.ts';

const usage = `usage: lesson-verify <lesson.md|folder>… [--provider auto|local|kind|kubeconfig] [--kubeconfig FILE] [--out DIR]
                     [--fix[=inplace]] [--format text|github] [--jobs N] [--shard i/n] [--timings FILE] [--runs N]
                     [--examples DIR]

  Runs every exercise of each lesson on one ephemeral cluster (the embedded local one by default)
  and writes reports (HTML, Markdown, JUnit XML, JSON, SARIF) to DIR (default reports/verify). A
  folder stands for every Markdown lesson below it. With several lessons, DIR also gets a course
  index (index.html, index.md, course.junit.xml, course.json) and timings.json.

  --jobs N         lessons verified at the same time (default: the CPU count); a lesson that
                   creates namespaces of its own runs alone
  --shard i/n      only the i-th of n stable shares of the lessons (for CI runners)
  --timings FILE   durations of an earlier run (its timings.json), to balance the shards
  --runs N         verify each lesson N times (a fresh namespace each): every finding says in how
                   many runs it was seen, and an error of some runs only becomes a "flaky" warning

  --examples DIR   a docs site's examples folder: {{% code_sample file="…" %}} includes and
                   kubectl apply -f https://k8s.io/examples/… read their files there (default:
                   LESSON_HARNESS_EXAMPLES, else content/en/examples or static/examples above the lesson)

  --fix            write the lesson with every mechanical fix applied to <name>.fixed.md beside it,
                   and print the unified diff; what needs a human stays as a TODO list
  --fix=inplace    the same, over the lesson itself
  --format github  also print GitHub workflow commands, so findings appear on the pull request's lines`;

const FORMATS = ['text', 'github'] as const;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    // A bare --fix means "beside the lesson" (parseArgs has no optional values).
    args: argv.map((a) => (a === '--fix' ? '--fix=beside' : a)), allowPositionals: true,
    options: {
      provider: { type: 'string' }, kubeconfig: { type: 'string' }, out: { type: 'string', default: 'reports/verify' }, help: { type: 'boolean', short: 'h' },
      fix: { type: 'string' }, format: { type: 'string', default: 'text' }, jobs: { type: 'string' }, shard: { type: 'string' }, timings: { type: 'string' }, runs: { type: 'string', default: '1' },
      examples: { type: 'string' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new TypeError(`Expected a lesson file or folder\n${usage}`);
  const fix = values.fix as FixMode | undefined;
  if (fix !== undefined && !FIX_MODES.includes(fix)) throw new TypeError(`Expected \`--fix\` or \`--fix=inplace\`, got \`--fix=${fix}\``);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new TypeError(`Expected \`--format\` to be ${FORMATS.join(' or ')}, got \`${format}\``);
  const jobs = values.jobs === undefined ? os.availableParallelism() : Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new TypeError(`Expected \`--jobs\` to be a positive integer, got \`${values.jobs}\``);
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) throw new TypeError(`Expected \`--runs\` to be a positive integer, got \`${values.runs}\``);
  let lessons = await expandLessonPaths(positionals);
  if (values.shard !== undefined) {
    const shard = /^(\d+)\/(\d+)$/.exec(values.shard);
    if (!shard) throw new TypeError(`Expected \`--shard i/n\`, e.g. 1/4, got \`${values.shard}\``);
    const timings = values.timings ? JSON.parse(await readFile(values.timings, 'utf8')) as Record<string, number> : {};
    lessons = shardLessons(lessons, Number(shard[1]), Number(shard[2]), timings);
    process.stderr.write(`shard ${values.shard}: ${lessons.length} lesson(s)\n`);
    if (lessons.length === 0) return 0;
  }
  // Read and parse before starting a cluster: a bad single lesson fails in a second, not after a start.
  const examples = values.examples === undefined ? {} : { examplesDir: values.examples };
  if (lessons.length === 1) await loadLesson(lessons[0] ?? '', examples);
  const { provider, reason } = await resolveProvider({ provider: values.provider, kubeconfig: values.kubeconfig });
  process.stderr.write(`cluster provider: ${provider.name} — ${reason}\n`);
  // Assigned once started; the signal handlers below must see it (hence not const).
  // eslint-disable-next-line prefer-const
  let cluster: StartedCluster | undefined;
  const stop = async (signal: 'SIGINT' | 'SIGTERM'): Promise<never> => {
    process.stderr.write(`\n${signal}: stopping…\n`);
    await cluster?.stop().catch(() => undefined);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  cluster = await provider.start();
  const out = values.out ?? 'reports/verify';
  try {
    const single = lessons.length === 1;
    const links: Record<string, string> = {};
    const course = await verifyCourse({
      lessons, cluster, jobs, runs, ...examples, log: (line) => process.stderr.write(`${line}\n`),
      onResult: (result) => { if (!single && result.report) process.stderr.write(`\n✔ ${result.lesson} done\n`); },
    });
    for (const result of course.results) {
      if (result.report) links[result.lesson] = await reportLesson(result.report, single ? out : path.join(out, slug(result.lesson)), format, fix, single ? '' : slug(result.lesson));
      else process.stdout.write(`${result.lesson}: not verified — ${result.error ?? ''}\n`);
    }
    if (single) return courseExitCode(courseRows(course));
    const rows = courseRows(course, links);
    await mkdir(out, { recursive: true });
    await Promise.all([
      writeFile(path.join(out, 'index.html'), courseHtml(course, rows)),
      writeFile(path.join(out, 'index.md'), courseMarkdown(course, rows)),
      writeFile(path.join(out, 'course.junit.xml'), courseJunit(course)),
      writeFile(path.join(out, 'course.json'), courseJson(course, rows)),
      writeFile(path.join(out, 'timings.json'), `${JSON.stringify(timings(course.results), null, 2)}\n`),
    ]);
    process.stdout.write(`\n${courseTerminalTable(course, rows)}course reports: ${path.join(out, 'index.html')}, index.md, course.junit.xml, course.json, timings.json\n`);
    return courseExitCode(rows);
  } finally {
    await cluster.stop();
  }
}

/** Writes one lesson's reports, prints its summary (and its fix); returns its HTML report relative to the course index. */
async function reportLesson(report: VerificationReport, dir: string, format: string, fix: FixMode | undefined, relative: string): Promise<string> {
  const files = await writeReports(report, dir);
  if (format === 'github') process.stdout.write(githubAnnotations(report));
  process.stdout.write(`${terminalSummary(report, { isTTY: process.stdout.isTTY && !process.env.NO_COLOR })}\n`);
  process.stdout.write(`reports: ${Object.values(files).join(', ')}\n`);
  if (fix) {
    const fixed = await writeFixedLesson(report.lesson, allFindings(report), fix);
    process.stdout.write(`\n${fixed.diff || '(no mechanical fix: the lesson is unchanged)\n'}`);
    process.stdout.write(`\nfixed lesson: ${fixed.path} (${fixed.applied.length} edit(s) applied${fixed.skipped.length ? `, ${fixed.skipped.length} skipped` : ''}); review the diff above, then verify it again\n`);
    for (const s of fixed.skipped) process.stdout.write(`  skipped line ${s.edit.line}: ${s.reason}\n`);
    if (fixed.todo.length > 0) process.stdout.write(`left for you (${fixed.todo.length}):\n${fixed.todo.map((f) => `  ${f.file}:${f.line} ${f.severity} ${f.title}\n      → ${f.suggestion.split('\n')[0] ?? ''}\n`).join('')}`);
  }
  return path.join(relative, path.basename(files.html));
}

/** A lesson's report folder in a course run: its path without the extension, folders joined by `--`. */
function slug(lesson: string): string {
  return path.relative(process.cwd(), lesson).replace(/\.(md|markdown)$/i, '').replace(/^(\.\.\/)+/, '').split(path.sep).join('--');
}

function timings(results: CourseResult[]): Record<string, number> {
  return Object.fromEntries(results.flatMap((r) => (r.report ? [[r.lesson, Math.round(r.report.durationMs / 100) / 10]] : [])));
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  const known = error instanceof HarnessError || error instanceof LessonError || error instanceof TypeError;
  process.stderr.write(`error: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(2);
});
