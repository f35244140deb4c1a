// lesson-verify <lesson.md> — runs a lesson on a real cluster and reports where it is wrong.
// Exit codes: 0 no error finding, 1 error findings, 2 the lesson or the options could not be used.
import { parseArgs } from 'node:util';
import { resolveProvider } from '../cluster-providers/resolve-provider.ts';
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { LessonError } from '../lesson/lesson-error.ts';
import { terminalSummary } from '../report/terminal-summary.ts';
import { allFindings } from '../report/verification-report.ts';
import { writeReports } from '../report/write-reports.ts';
import { loadLesson, verifyLesson } from '../verify/verify-lesson.ts';

const usage = `usage: lesson-verify <lesson.md> [--provider auto|local|kubeconfig] [--kubeconfig FILE] [--out DIR]

  Runs every exercise of the lesson on an ephemeral cluster (the embedded local one by default)
  and writes reports (HTML, Markdown, JUnit XML, JSON) to DIR (default reports/verify).`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true,
    options: { provider: { type: 'string' }, kubeconfig: { type: 'string' }, out: { type: 'string', default: 'reports/verify' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const lessonPath = positionals[0];
  if (!lessonPath || positionals.length > 1) throw new TypeError(`Expected one lesson file, got ${positionals.length}\n${usage}`);
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
    process.stdout.write(`${terminalSummary(report, { isTTY: process.stdout.isTTY && !process.env.NO_COLOR })}\n`);
    process.stdout.write(`reports: ${Object.values(files).join(', ')}\n`);
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
