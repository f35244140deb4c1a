// `npm test` after the set-up: every suite, in four lanes side by side. Each local cluster lives
// in a network namespace of its own (src/cluster-providers/local/cluster-netns.ts), so suites that
// start clusters run beside each other and beside the lesson suites' cluster:
//   - the lesson suites on one cluster (exercise and verify specs): their time is mostly the
//     lessons' own waiting, spent side by side (whenClusterUp) — the longest lane;
//   - the course suites on another (their lessons that name namespaces run alone in a process, and
//     beside the others they held those back for minutes), then the hostile lessons on a third;
//   - the static checks, then the faults spec and the package's own run;
//   - the cluster providers (local, side by side, stand-in images, version matrix), then kind.
// The lanes are balanced by the times of a warm run (about 6 minutes each, README).
// Each lane's output goes to reports/test-logs/<lane>.log and is printed whole when it ends, so
// that concurrent suites do not interleave; a line every 30 s says what is still running.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../src/config/project-root.ts';

interface Suite {
  name: string;
  /** npm scripts run one after another, every one of them even after a failure (CI wants all results). */
  scripts: string[];
}

/** The lanes run side by side; a lane's scripts one after another. */
const lanes: Suite[] = [
  { name: 'lessons', scripts: ['test:lessons'] },
  { name: 'course-hostile', scripts: ['test:course', 'test:hostile'] },
  { name: 'static-faults-package', scripts: ['typecheck', 'lint', 'test:unit', 'test:faults', 'test:package'] },
  { name: 'providers', scripts: ['test:cluster', 'test:kind'] },
];

const logs = path.join(projectRoot, 'reports', 'test-logs');
const began = performance.now();
const clock = (): string => `[tests ${((performance.now() - began) / 1000).toFixed(0)}s]`;
const running = new Map<string, { pid: number; since: number }>();

/** Runs one npm script in a process group of its own, its output to the lane's log. */
function runScript(script: string, log: NodeJS.WritableStream): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.set(script, { pid: child.pid ?? 0, since: performance.now() });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('close', (code, signal) => {
      running.delete(script);
      resolve(code ?? (signal ? 128 : 1));
    });
  });
}

async function runLane(suite: Suite): Promise<{ suite: Suite; failed?: string; seconds: number }> {
  const file = path.join(logs, `${suite.name}.log`);
  const log = createWriteStream(file);
  const started = performance.now();
  const failedScripts: string[] = [];
  for (const script of suite.scripts) {
    if (interrupted) break;
    log.write(`\n===== npm run ${script} =====\n`);
    const scriptStarted = performance.now();
    const code = await runScript(script, log);
    log.write(`===== npm run ${script}: exit ${code} after ${((performance.now() - scriptStarted) / 1000).toFixed(0)} s =====\n`);
    process.stderr.write(`${clock()} ${suite.name}: npm run ${script} ${code === 0 ? 'passed' : `FAILED (exit ${code})`} in ${((performance.now() - scriptStarted) / 1000).toFixed(0)} s\n`);
    if (code !== 0) failedScripts.push(script);
  }
  const failed = failedScripts.join(', ') || undefined;
  await new Promise((resolve) => log.end(resolve));
  const seconds = (performance.now() - started) / 1000;
  // Whole, once it ended: a CI log then reads suite by suite.
  process.stdout.write(`\n────── ${suite.name} (${suite.scripts.join(', ')}): ${failed ? `FAILED in npm run ${failed}` : 'passed'}, ${seconds.toFixed(0)} s ──────\n`);
  process.stdout.write(await readFile(file, 'utf8'));
  return { suite, failed, seconds };
}

let interrupted: NodeJS.Signals | undefined;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    // Each suite stops its own clusters on the signal; a second one is not waited for.
    if (interrupted) process.exit(signal === 'SIGINT' ? 130 : 143);
    interrupted = signal;
    process.stderr.write(`\n${clock()} ${signal}: stopping ${[...running.keys()].join(', ') || 'nothing'}…\n`);
    for (const { pid } of running.values()) {
      try {
        process.kill(-pid, signal);
      } catch {
        // ended meanwhile
      }
    }
  });
}

const heartbeat = setInterval(() => {
  const now = performance.now();
  process.stderr.write(`${clock()} still running: ${[...running.entries()].map(([script, r]) => `${script} (${((now - r.since) / 1000).toFixed(0)} s)`).join(', ')}\n`);
}, 30_000);

await mkdir(logs, { recursive: true });
process.stderr.write(`${clock()} ${lanes.length} lanes side by side: ${lanes.map((l) => `${l.name} (${l.scripts.join(' → ')})`).join(' | ')}\n`);
const results = await Promise.all(lanes.map(runLane));
clearInterval(heartbeat);

const failures = results.filter((r) => r.failed);
process.stdout.write(`\n${clock()} ${results.map((r) => `${r.suite.name} ${r.failed ? `FAILED (${r.failed})` : 'passed'} ${r.seconds.toFixed(0)} s`).join(' · ')}\n`);
process.stdout.write(`logs: ${logs}; JUnit: ${path.join(projectRoot, 'reports', 'junit')}\n`);
process.exitCode = interrupted ? (interrupted === 'SIGINT' ? 130 : 143) : failures.length ? 1 : 0;
