// lesson-verify <lesson.md|folder>… — runs lessons on a real cluster and reports where they are wrong.
// Exit codes: 0 no error finding, 1 error findings, 2 a lesson or the options could not be used,
// or the cluster failed while lessons ran; with several lessons, the worst lesson's. 130/143 after
// SIGINT/SIGTERM: the start or the run stops, everything is removed, and the lessons that had
// started get a partial report that says so.
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveProvider } from '../cluster-providers/resolve-provider.ts';
import type { ClusterProvider, StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { checkKubectlSkew, withKubectl } from '../cluster-providers/kubectl-skew.ts';
import { ensureKubernetesBinaries } from '../cluster-providers/kubernetes-binaries.ts';
import { resolveKubernetesVersions, singleKubernetesVersion } from '../config/kubernetes-versions.ts';
import { versionMatrix, type VersionCourse } from '../matrix/version-matrix.ts';
import { matrixTerminal, writeMatrixReports } from '../matrix/matrix-report.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { LessonError } from '../lesson/lesson-error.ts';
import { FIX_MODES, writeFixedLesson, type FixMode } from '../fix/write-fixed-lesson.ts';
import { githubAnnotations } from '../report/github-annotations.ts';
import { terminalSummary } from '../report/terminal-summary.ts';
import { allFindings } from '../report/verification-report.ts';
import { writeReports } from '../report/write-reports.ts';
import { expandLessonPaths, shardLessons } from '../course/lesson-paths.ts';
import { verifyCourse, type CourseReport, type CourseResult } from '../course/verify-course.ts';
import { courseExitCode, courseHtml, courseJson, courseJunit, courseMarkdown, courseRows, courseTerminalTable } from '../report/course-report.ts';
import type { VerificationReport } from '../report/verification-report.ts';
import { loadLesson } from '../verify/verify-lesson.ts';
import { defaults } from '../config/defaults.ts';
import { runHostSetup, setupProfile } from '../setup/host-setup.ts';

const usage = `usage: lesson-verify <lesson.md|folder>… [--provider auto|local|kind|kubeconfig] [--kubeconfig FILE] [--out DIR]
                     [--fix[=inplace]] [--format text|github] [--jobs N] [--shard i/n] [--timings FILE] [--runs N]
                     [--examples DIR] [--kubernetes VERSIONS] [--kubectl VERSION]
       lesson-verify merge <shard folder>… [--out DIR]

  Runs every exercise of each lesson on one ephemeral cluster (the embedded local one by default)
  and writes reports (HTML, Markdown, JUnit XML, JSON, SARIF) to DIR (default reports/verify). A
  folder stands for every Markdown lesson below it. With several lessons, a folder or --shard, DIR
  also gets a course index (index.html, index.md, course.junit.xml, course.json) and timings.json,
  each lesson's reports in a folder of its own; \`lesson-verify merge\` joins the shards' indexes.
  Before the cluster starts, scripts/setup.sh installs what the provider needs (once; then it
  only checks): LESSON_HARNESS_SETUP=0 skips it.

  --jobs N         lessons verified at the same time (default: the CPU count); a lesson that
                   creates namespaces of its own runs alone
  --shard i/n      only the i-th of n stable shares of the lessons (for CI runners)
  --timings FILE   durations of an earlier run (its timings.json), to balance the shards
  --runs N         verify each lesson N times (a fresh namespace each): every finding says in how
                   many runs it was seen, and an error of some runs only becomes a "flaky" warning

  --examples DIR   a docs site's examples folder: {{% code_sample file="…" %}} includes and
                   kubectl apply -f https://k8s.io/examples/… read their files there (default:
                   LESSON_HARNESS_EXAMPLES, else content/en/examples or static/examples above the lesson)

  --kubernetes V   the Kubernetes version(s) of the local or kind cluster: default, supported (the
                   three newest minors), minors or pinned versions, comma-separated (1.35,1.36,1.37); with
                   several, one cluster per version and a matrix report (DIR/matrix.html, .md, .json,
                   .junit.xml) that says on which versions each lesson holds, each version's reports
                   in DIR/<version>
  --kubectl V      run the lesson's commands with this kubectl (a pinned minor or version) instead of
                   the cluster's own, within kubectl's supported skew of one minor

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
      examples: { type: 'string' }, kubernetes: { type: 'string' }, kubectl: { type: 'string' },
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
  // A course (an index beside each lesson's reports) whenever the lessons could be more than one:
  // a folder's or a shard's index is there even when it holds a single lesson, so CI can merge it.
  const asCourse = values.shard !== undefined || lessons.length > 1 || (await Promise.all(positionals.map((p) => stat(p).then((s) => s.isDirectory())))).some(Boolean);
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
  const interrupt = interruptOnSignals();
  const out = values.out ?? 'reports/verify';
  // One cluster per Kubernetes version, one after the other: on a small machine two clusters would
  // fight over the cores, and a lesson's timing claims would then fail for the wrong reason.
  const versions: (string | undefined)[] = values.kubernetes ? resolveKubernetesVersions(values.kubernetes) : [undefined];
  const matrix = versions.length > 1;
  const verified: VersionCourse[] = [];
  const matrixLinks: Record<string, Record<string, string>> = {};
  let worst = 0;
  for (const [index, version] of versions.entries()) {
    const { provider, reason } = await resolveProvider({ provider: values.provider, kubeconfig: values.kubeconfig, kubernetesVersion: version });
    process.stderr.write(`${matrix ? `\n[${index + 1}/${versions.length}] Kubernetes ${version ?? ''}: ` : ''}cluster provider: ${provider.name} — ${reason}\n`);
    if (defaults.hostSetup && index === 0) await runHostSetup(setupProfile(provider.name), (line) => process.stderr.write(`${line}\n`));
    const dir = matrix ? path.join(out, version ?? '') : out;
    const outcome = await verifyOnCluster(provider, { lessons, jobs, runs, examples, asCourse, format, fix, kubectl: values.kubectl, interrupt, out: dir });
    if (outcome.stoppedCode !== undefined) return outcome.stoppedCode;
    if (outcome.course) {
      verified.push({ version: outcome.course.cluster.version, course: outcome.course });
      matrixLinks[outcome.course.cluster.version] = Object.fromEntries(Object.entries(outcome.links).map(([lesson, link]) => [lesson, path.join(version ?? '', link)]));
    }
    worst = Math.max(worst, outcome.exitCode);
  }
  if (!matrix) return worst;
  const files = await writeMatrixReports(verified, out, matrixLinks);
  process.stdout.write(`\n${matrixTerminal(versionMatrix(verified))}matrix reports: ${files.join(', ')}\n`);
  return worst;
}

interface ClusterRun {
  lessons: string[];
  jobs: number;
  runs: number;
  examples: { examplesDir?: string };
  asCourse: boolean;
  format: string;
  fix: FixMode | undefined;
  /** Another kubectl for the lesson's commands (`--kubectl`), within kubectl's supported skew. */
  kubectl: string | undefined;
  interrupt: { signal: AbortSignal; exitCode: () => number };
  out: string;
}

/** Starts one cluster, verifies the lessons on it and writes their reports; the cluster is always stopped. */
async function verifyOnCluster(provider: ClusterProvider, run: ClusterRun): Promise<{ exitCode: number; stoppedCode?: number; course?: CourseReport; links: Record<string, string> }> {
  const { lessons, jobs, runs, examples, asCourse, format, fix, interrupt, out } = run;
  let cluster: StartedCluster;
  try {
    cluster = await provider.start({ signal: interrupt.signal });
  } catch (error) {
    if (!interrupt.signal.aborted) throw error;
    process.stderr.write(`${(error as Error).message}\n`);
    return { exitCode: 2, stoppedCode: interrupt.exitCode(), links: {} };
  }
  try {
    if (run.kubectl) {
      const client = singleKubernetesVersion(run.kubectl);
      checkKubectlSkew(cluster.version, client);
      cluster = withKubectl(cluster, await ensureKubernetesBinaries((line) => process.stderr.write(`${line}\n`), client));
      process.stderr.write(`lesson commands run kubectl ${client} against the cluster's ${cluster.version}\n`);
    }
    const single = !asCourse;
    const links: Record<string, string> = {};
    const course = await verifyCourse({
      lessons, cluster, jobs, runs, ...examples, signal: interrupt.signal, log: (line) => process.stderr.write(`${line}\n`),
      onResult: (result) => { if (!single && result.report) process.stderr.write(`\n✔ ${result.lesson} done\n`); },
    });
    // The cluster's fault, if any, before the reports: it is the news, and no finding is against the lesson.
    const fault: unknown = !interrupt.signal.aborted && cluster.fault.aborted ? cluster.fault.reason : undefined;
    if (fault) process.stderr.write(`\nerror: ${(fault as Error).message}\n`);
    for (const result of course.results) {
      // A partial report gets no fixes: what did not run cannot be fixed, and it would read as done.
      if (result.report) links[result.lesson] = await reportLesson(result.report, single ? out : path.join(out, slug(result.lesson)), format, result.report.stopped ? undefined : fix, single ? '' : slug(result.lesson));
      else process.stdout.write(`${result.lesson}: not verified — ${result.error ?? ''}\n`);
    }
    const stoppedCode = interrupt.signal.aborted ? interrupt.exitCode() : fault ? 2 : undefined;
    const stopped = stoppedCode === undefined ? {} : { stoppedCode };
    if (single) return { exitCode: courseExitCode(courseRows(course)), ...stopped, course, links };
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
    return { exitCode: courseExitCode(rows), ...stopped, course, links };
  } finally {
    if (interrupt.signal.aborted || cluster.fault.aborted) process.stderr.write('stopping the cluster…\n');
    await cluster.stop();
  }
}

/**
 * The first SIGINT or SIGTERM aborts the returned signal: the cluster start or the lesson runs stop,
 * and main() removes everything on its usual way out. A second one exits at once (the
 * supervisor's exit hook still kills the components; the next run removes what is left).
 */
function interruptOnSignals(): { signal: AbortSignal; exitCode: () => number } {
  const controller = new AbortController();
  let received: 'SIGINT' | 'SIGTERM' | undefined;
  let receivedAt = 0;
  const code = (signal: 'SIGINT' | 'SIGTERM'): number => (signal === 'SIGINT' ? 130 : 143);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      // One Ctrl-C may come twice: from the terminal (to the whole process group) and passed on by
      // a wrapper (the package's bin, tsx). A second one is a second only after a moment.
      if (received && Date.now() - receivedAt < 1_000) return;
      if (received) {
        process.stderr.write(`\n${signal} again: exiting now; the next run removes what is left\n`);
        process.exit(code(signal));
      }
      received = signal;
      receivedAt = Date.now();
      process.stderr.write(`\n${signal}: stopping and cleaning up (again to exit at once)…\n`);
      controller.abort(new HarnessError(`interrupted by ${signal}`));
    });
  }
  return { signal: controller.signal, exitCode: () => code(received ?? 'SIGINT') };
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
