// A lock between processes on one host, for caches that several runs may fill at once (two cold
// runs, the lanes of npm test). The kernel's flock(2), taken by util-linux's `flock` on our behalf:
// it holds the lock while its `cat` reads our pipe, so closing the pipe — or this process dying —
// releases it, and no stale lock file can outlive its owner (the file itself stays, empty).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { HarnessError } from '../errors/harness-error.ts';

/** flock's exit code when --nonblock finds the lock taken (chosen so that it differs from its own errors). */
const BUSY = 75;

/** Starts a holder of the lock; resolves with it once it holds the lock, or 'busy' (with nonblock). */
function hold(file: string, nonblock: boolean): Promise<ChildProcessWithoutNullStreams | 'busy'> {
  const holder = spawn('flock', ['--exclusive', ...(nonblock ? ['--nonblock', '--conflict-exit-code', String(BUSY)] : []), file, '--command', 'echo locked; exec cat'],
    { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  holder.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  return new Promise((resolve, reject) => {
    holder.stdout.once('data', () => resolve(holder));
    holder.once('error', (error) => reject(new HarnessError(`could not take the lock ${file}: ${error.message}`, { fix: 'install util-linux (it has flock)' })));
    holder.once('exit', (code) => (code === BUSY && nonblock ? resolve('busy')
      : reject(new HarnessError(`could not take the lock ${file}: flock exited with ${code}: ${stderr.trim()}`, { fix: `check that ${file}'s folder exists and is writable` }))));
  });
}

/** Runs `work` holding the lock on `file`; `onWait` is called once if another process holds it. */
export async function withFileLock<T>(file: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
  let holder = await hold(file, true);
  if (holder === 'busy') {
    onWait();
    holder = await hold(file, false);
  }
  const held = holder as ChildProcessWithoutNullStreams;
  try {
    return await work();
  } finally {
    held.stdin.end();
    await new Promise((resolve) => (held.exitCode === null ? held.once('exit', resolve) : resolve(undefined)));
  }
}
