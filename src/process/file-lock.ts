// A lock between processes on one host, for caches that several runs may fill at once (two cold
// runs, the lanes of npm test). The kernel's flock(2), taken by util-linux's `flock` on our behalf:
// it holds the lock while its `cat` reads our pipe, so closing the pipe — or this process dying —
// releases it, and no stale lock file can outlive its owner (the file itself stays, empty).
import { spawn } from 'node:child_process';
import { HarnessError } from '../errors/harness-error.ts';

/** Runs `work` holding the lock on `file`; `onWait` is called once if another process holds it. */
export async function withFileLock<T>(file: string, onWait: () => void, work: () => Promise<T>): Promise<T> {
  const holder = spawn('flock', ['--exclusive', file, '--command', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  holder.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString('utf8'); });
  const waiting = setTimeout(onWait, 300);
  try {
    await new Promise<void>((resolve, reject) => {
      holder.stdout.once('data', () => resolve());
      holder.once('error', (error) => reject(new HarnessError(`could not take the lock ${file}: ${error.message}`, { fix: 'install util-linux (it has flock)' })));
      holder.once('exit', (code) => reject(new HarnessError(`could not take the lock ${file}: flock exited with ${code}: ${stderr.trim()}`, { fix: `check that ${file}'s folder exists and is writable` })));
    });
  } finally {
    clearTimeout(waiting);
  }
  try {
    return await work();
  } finally {
    holder.stdin.end();
    await new Promise((resolve) => (holder.exitCode === null ? holder.once('exit', resolve) : resolve(undefined)));
  }
}
