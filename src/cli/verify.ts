// lesson-verify <lesson.md> — runs a lesson on a real cluster and reports where it is wrong.
// Exit codes: 0 no error finding, 1 error findings, 2 the lesson or the options could not be used.
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
import { loadLesson, verifyLesson } from '../verify/verify-lesson.ts';

const usage = `usage: lesson-verify <lesson.md> [--provider auto|local|kubeconfig] [--kubeconfig FILE] [--out DIR]
                     [--fix[=inplace]] [--format text|github]

  Runs every exercise of the lesson on an ephemeral cluster (the embedded local one by default)
  and writes reports (HTML, Markdown, JUnit XML, JSON, SARIF) to DIR (default reports/verify).

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
      fix: { type: 'string' }, format: { type: 'string', default: 'text' },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const lessonPath = positionals[0];
  if (!lessonPath || positionals.length > 1) throw new TypeError(`Expected one lesson file, got ${positionals.length}\n${usage}`);
  const fix = values.fix as FixMode | undefined;
  if (fix !== undefined && !FIX_MODES.includes(fix)) throw new TypeError(`Expected \`--fix\` or \`--fix=inplace\`, got \`--fix=${fix}\``);
  const format = values.format as (typeof FORMATS)[number];
  if (!FORMATS.includes(format)) throw new TypeError(`Expected \`--format\` to be ${FORMATS.join(' or ')}, got \`${format}\``);
  // Read and parse before starting a cluster: a bad lesson fails in a second, not after a start.
  await loadLesson(lessonPath);
  const { provider, reason } = await resolveProvider({ provider: values.provider, kubeconfig: values.kubeconfig });
  process.stderr.write(`cluster provider: ${provider.name} — ${reason}\n`);
  // Assigned once started; the signal handlers below must see it (hence not const).
  // eslint-disable-next-line prefer-const
  let cluster: StartedCluster | undefined;
  const stop = async (signal: string): Promise<never> => {
    process.stderr.write(`\n${signal}: stopping…\n`);
    await cluster?.stop().catch(() => undefined);
    process.exit(130);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  cluster = await provider.start();
  try {
    const report = await verifyLesson({ lessonPath, cluster, log: (line) => process.stderr.write(`${line}\n`) });
    const files = await writeReports(report, values.out ?? 'reports/verify');
    if (format === 'github') process.stdout.write(githubAnnotations(report));
    process.stdout.write(`${terminalSummary(report, { isTTY: process.stdout.isTTY && !process.env.NO_COLOR })}\n`);
    process.stdout.write(`reports: ${Object.values(files).join(', ')}\n`);
    if (fix) {
      const fixed = await writeFixedLesson(lessonPath, allFindings(report), fix);
      process.stdout.write(`\n${fixed.diff || '(no mechanical fix: the lesson is unchanged)\n'}`);
      process.stdout.write(`\nfixed lesson: ${fixed.path} (${fixed.applied.length} edit(s) applied${fixed.skipped.length ? `, ${fixed.skipped.length} skipped` : ''}); review the diff above, then verify it again\n`);
      for (const s of fixed.skipped) process.stdout.write(`  skipped line ${s.edit.line}: ${s.reason}\n`);
      if (fixed.todo.length > 0) process.stdout.write(`left for you (${fixed.todo.length}):\n${fixed.todo.map((f) => `  ${f.file}:${f.line} ${f.severity} ${f.title}\n      → ${f.suggestion.split('\n')[0] ?? ''}\n`).join('')}`);
    }
    return allFindings(report).some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    await cluster.stop();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  const known = error instanceof HarnessError || error instanceof LessonError || error instanceof TypeError;
  process.stderr.write(`error: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(2);
});
