// Shared by the hostile-lesson specs: verify a fixture with short timeouts, time it, and look at
// the host afterwards (files, processes) to prove the lesson left no mark.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../src/config/project-root.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { allFindings } from '../../src/report/verification-report.ts';
import { verifyLesson } from '../../src/verify/verify-lesson.ts';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';

export const fixtures = path.join(projectRoot, 'specs', 'fixtures', 'hostile');

/** Each case's wall time, printed after the suite (the README quotes them). */
export const times: { name: string; ms: number }[] = [];

export async function timed<T>(name: string, fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started };
  } finally {
    times.push({ name, ms: performance.now() - started });
  }
}

export async function verifyFixture(file: string, timeouts: { commandTimeoutMs?: number; exerciseTimeoutMs?: number } = {}): Promise<{ findings: Finding[]; ms: number; outputs: string[] }> {
  const { value: report, ms } = await timed(file, () => verifyLesson({ lessonPath: path.join(fixtures, file), cluster: sharedCluster(), log: () => undefined, commandTimeoutMs: 5_000, exerciseTimeoutMs: 10_000, ...timeouts }));
  return { findings: allFindings(report), ms, outputs: report.exercises.flatMap((e) => e.commands.map((c) => c.output)) };
}

export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.line} ${f.severity} ${f.title}: ${f.clusterDid.slice(0, 200)}`).join('\n');
}

/** Processes on the host that run as a sandbox uid (src/sandbox/sandbox.ts picks them from 1.9e9 on). */
export async function sandboxProcesses(): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    const uid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    // A zombie is dead already: bwrap's namespace init, waiting for the host's init to reap it.
    if (/^State:\s+Z/m.test(status)) continue;
    if (uid >= 1_900_000_000 && uid < 2_000_000_000) found.push(`${pid} ${/^Name:\s+(.*)$/m.exec(status)?.[1] ?? ''}`);
  }
  return found;
}

after(() => {
  process.stderr.write(`\n  hostile cases, wall time:\n${times.map((t) => `    ${t.name.padEnd(28)} ${t.ms.toFixed(0).padStart(6)} ms`).join('\n')}\n`);
});
