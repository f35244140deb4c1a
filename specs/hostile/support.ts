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

export async function verifyFixture(file: string, options: { commandTimeoutMs?: number; exerciseTimeoutMs?: number; log?: (line: string) => void } = {}): Promise<{ findings: Finding[]; ms: number; outputs: string[] }> {
  const { value: report, ms } = await timed(file, () => verifyLesson({ lessonPath: path.join(fixtures, file), cluster: sharedCluster(), log: () => undefined, commandTimeoutMs: 5_000, exerciseTimeoutMs: 10_000, ...options }));
  return { findings: allFindings(report), ms, outputs: report.exercises.flatMap((e) => e.commands.map((c) => c.output)) };
}

export function describeFindings(findings: Finding[]): string {
  return findings.map((f) => `  ${f.line} ${f.severity} ${f.title}: ${f.clusterDid.slice(0, 200)}`).join('\n');
}

/**
 * Processes on the host that run as a sandbox uid (src/sandbox/sandbox.ts picks them from 1.9e9 on),
 * or as this one, and that belong to this harness or to none: other harnesses on the same machine
 * run lessons of their own meanwhile. Ours are below this process; a leaked one is orphaned, under
 * pid 1; another harness's are below that harness (their first ancestor of another uid).
 */
export async function sandboxProcesses(only?: number): Promise<string[]> {
  const status = new Map<number, { uid: number; ppid: number; name: string; zombie: boolean }>();
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
    if (!text) continue;
    status.set(Number(pid), {
      uid: Number(/^Uid:\s+(\d+)/m.exec(text)?.[1] ?? 0), ppid: Number(/^PPid:\s+(\d+)/m.exec(text)?.[1] ?? 0),
      name: /^Name:\s+(.*)$/m.exec(text)?.[1] ?? '', zombie: /^State:\s+Z/m.test(text),
    });
  }
  const isSandbox = (uid: number): boolean => (only === undefined ? uid >= 1_900_000_000 && uid < 2_000_000_000 : uid === only);
  const owner = (pid: number): number => {
    let at = status.get(pid)?.ppid ?? 1;
    while (isSandbox(status.get(at)?.uid ?? 0)) at = status.get(at)?.ppid ?? 1;
    return at;
  };
  const found: string[] = [];
  for (const [pid, p] of status) {
    // A zombie is dead already: bwrap's namespace init, waiting for the host's init to reap it.
    if (p.zombie || !isSandbox(p.uid)) continue;
    if ([1, 0, process.pid].includes(owner(pid))) found.push(`${pid} ${p.name}`);
  }
  return found;
}

after(() => {
  process.stderr.write(`\n  hostile cases, wall time:\n${times.map((t) => `    ${t.name.padEnd(28)} ${t.ms.toFixed(0).padStart(6)} ms`).join('\n')}\n`);
});
