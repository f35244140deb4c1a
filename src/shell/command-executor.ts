// Where a lesson's commands run. The host executor below runs them as child processes in their own
// process group; a sandboxed executor (see src/sandbox/) implements the same interface.
import { spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';
import { checkFileName } from '../sandbox/file-names.ts';

export interface CommandResult {
  exitCode: number;
  /** stdout and stderr interleaved, as a student's terminal shows them. */
  output: string;
  timedOut: boolean;
  /** Ended on purpose through the signal (an endless command whose exercise has settled). */
  stopped: boolean;
  /** The command printed more than the output limit; the rest was read and dropped. */
  truncated: boolean;
}

export interface RunOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  onOutput?: (chunk: string) => void;
}

export interface CommandExecutor {
  /** Runs bash on `script`. The whole process tree ends at the timeout or when `signal` aborts. */
  run(script: string, options?: RunOptions): Promise<CommandResult>;
  /** Writes a lesson's file into the working directory; refuses (HarnessError) a name that leads out of it. */
  writeFile(name: string, content: string): Promise<string>;
  /** Ends everything still running. */
  dispose(): Promise<void>;
}

export interface HostExecutorOptions {
  cwd: string;
  env: Record<string, string>;
  outputLimitBytes: number;
  defaultTimeoutMs: number;
}

/**
 * Runs each script as `bash` on the host, in a new process group (setsid), so that a pipe whose child
 * outlives the shell (`sleep 600 | cat`) or a forgotten background job is ended with the group.
 * No sandbox: only for lessons one trusts, where bubblewrap cannot run (LESSON_HARNESS_SANDBOX=0).
 */
export function hostExecutor(options: HostExecutorOptions): CommandExecutor {
  const groups = new Set<number>();
  const killGroup = (pid: number | undefined): void => {
    if (pid === undefined) return;
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  };
  return {
    async run(script, run = {}) {
      // Plain spawn rather than execa: the command ends when the shell exits, not when its pipes close.
      const child = spawn('bash', ['--noprofile', '--norc', '-c', script], {
        cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
      });
      const pid = child.pid;
      if (pid !== undefined) groups.add(pid);
      let output = '';
      let bytes = 0;
      let truncated = false;
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString();
        run.onOutput?.(text);
        if (bytes + chunk.length > options.outputLimitBytes) {
          truncated = true;
          const room = Math.max(0, options.outputLimitBytes - bytes);
          output += chunk.subarray(0, room).toString();
          bytes = options.outputLimitBytes;
        } else {
          output += text;
          bytes += chunk.length;
        }
      };
      const drained = Promise.all([child.stdout, child.stderr].map((stream) => new Promise((r) => stream.once('close', r))));
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      let timedOut = false;
      let stopped = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(pid);
      }, run.timeoutMs ?? options.defaultTimeoutMs);
      const onAbort = (): void => {
        stopped = true;
        killGroup(pid);
      };
      if (run.signal?.aborted) onAbort();
      run.signal?.addEventListener('abort', onAbort, { once: true });
      // The shell's own exit ends the command; a background job may keep the output pipe open
      // (`sleep 100 &`), so do not wait for the pipe to close, only for the last output to drain.
      const exit = await new Promise<{ code: number | null }>((resolve) => {
        child.once('exit', (code) => resolve({ code }));
        child.once('error', () => resolve({ code: null }));
      });
      await Promise.race([drained, new Promise((r) => setTimeout(r, 100))]);
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      killGroup(pid);
      if (pid !== undefined) groups.delete(pid);
      for (const stream of [child.stdout, child.stderr]) {
        stream.removeAllListeners('data');
        stream.destroy();
      }
      const exitCode = exit.code ?? (timedOut || stopped ? 124 : 1);
      return { exitCode, output, timedOut: timedOut && !stopped, stopped, truncated };
    },
    async writeFile(name, content) {
      const readLink = (p: string): string | undefined => {
        try {
          return readlinkSync(p);
        } catch {
          return undefined;
        }
      };
      const check = checkFileName(name, { scratch: options.cwd, readLink });
      if (!check.ok) throw new HarnessError(`lesson file not written: ${check.problem}`, { fix: check.fix });
      await mkdir(path.dirname(check.path), { recursive: true });
      await writeFile(check.path, content);
      return check.path;
    },
    async dispose() {
      for (const pid of groups) killGroup(pid);
      groups.clear();
    },
  };
}
