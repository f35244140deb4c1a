// Starts long-running processes with their output in one log file each, notices when one dies
// early, and stops them (SIGTERM, then SIGKILL after a grace period). Plain child_process here
// rather than execa: these are daemons we hand a file descriptor and may detach, not commands.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';

interface Supervised {
  name: string;
  child: ChildProcess;
  logFile: string;
  exit: Promise<void>;
  exitCode: number | null | undefined;
  /** The signal that ended it, if one did (SIGKILL from the OOM killer or a person). */
  exitSignal: NodeJS.Signals | null;
}

/** A component that ended while the supervisor was not stopping it. */
export interface Death {
  name: string;
  /** "exited with code 1" or "was killed by SIGKILL". */
  how: string;
  logFile: string;
}

const running = new Set<ChildProcess>();
// Last resort if the harness exits without stop(): an attached cluster must not outlive it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export class Supervisor {
  readonly #children: Supervised[] = [];
  readonly #onDeath = new Set<(death: Death) => void>();
  #stopping = false;

  constructor(private readonly logsDir: string, private readonly options: { detached: boolean } = { detached: false }) {}

  /** env: variables added to this process's environment. */
  start(name: string, file: string, args: string[], env: Record<string, string> = {}): number {
    const logFile = path.join(this.logsDir, `${name}.log`);
    const fd = openSync(logFile, 'a', 0o600);
    const child = spawn(file, args, { stdio: ['ignore', fd, fd], detached: this.options.detached, env: { ...process.env, ...env } });
    closeSync(fd);
    const entry: Supervised = { name, child, logFile, exitCode: undefined, exitSignal: null, exit: Promise.resolve() };
    entry.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        entry.exitCode = code ?? (signal ? 128 : null);
        entry.exitSignal = signal;
        running.delete(child);
        this.#died(entry);
        resolve();
      });
      child.once('error', () => {
        entry.exitCode = 127;
        running.delete(child);
        this.#died(entry);
        resolve();
      });
    });
    if (this.options.detached) child.unref();
    else running.add(child);
    this.#children.push(entry);
    if (child.pid === undefined) throw new HarnessError(`could not start ${name} (${file})`, { fix: `check that ${file} exists and is executable` });
    return child.pid;
  }

  get pids(): Record<string, number> {
    return Object.fromEntries(this.#children.filter((c) => c.child.pid !== undefined).map((c) => [c.name, c.child.pid as number]));
  }

  /**
   * Calls `listener` (once per component) when a component ends that stopAll() did not stop: the
   * kernel tells us at once (the child's exit), so a death is known within milliseconds.
   */
  onDeath(listener: (death: Death) => void): void {
    this.#onDeath.add(listener);
  }

  #died(entry: Supervised): void {
    if (this.#stopping) return;
    const death = { name: entry.name, how: describeExit(entry), logFile: entry.logFile };
    for (const listener of this.#onDeath) listener(death);
  }

  /** Throws with the end of its log if a component died while we wait for the cluster. */
  assertAllRunning(): void {
    if (this.#stopping) return;
    const dead = this.#children.find((c) => c.exitCode !== undefined);
    if (dead) {
      throw new HarnessError(`${dead.name} ${describeExit(dead)} while the cluster was starting. Last lines of ${dead.logFile}:\n${tail(dead.logFile, 15)}`, {
        fix: `read ${dead.logFile}; the line above usually names the flag or file at fault`,
      });
    }
  }

  /** All at once: the cluster is thrown away, so order buys nothing and parallel stops are fast. */
  async stopAll(graceMs: number): Promise<void> {
    this.#stopping = true;
    await Promise.all(this.#children.filter((c) => c.exitCode === undefined).map(async (entry) => {
      entry.child.kill('SIGTERM');
      const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
      await entry.exit;
      clearTimeout(timer);
    }));
  }
}

function describeExit(entry: Supervised): string {
  return entry.exitSignal ? `was killed by ${entry.exitSignal}` : `exited with code ${entry.exitCode}`;
}

export function tail(file: string, lines: number): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `    ${l}`).join('\n');
  } catch {
    return '    (no log)';
  }
}
