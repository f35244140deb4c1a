// One network namespace per sandbox (one lesson), so that what one command serves in the background
// — `kubectl port-forward svc/web 8080:80`, `cmd &` — is reached by the lesson's later commands, as
// in one terminal. The holder is a bwrap sandbox of its own, started with --unshare-net (bwrap brings
// its loopback up); its process is the API forwarder's socat (or a `sleep` when there is no API
// server), so the API port is forwarded once per lesson rather than once per command.
//
// Runs join the namespace through an fd the harness opened once (`nsenter --net=/proc/self/fd/3`),
// never through /proc/<pid>: a pid can be reused by a host process once the holder is gone, a
// namespace fd cannot change what it names. The fd lives in the harness only: if the harness is
// SIGKILLed the fd closes with it, and the holder dies with its parent (--die-with-parent); no
// bind-mounted namespace file is left anywhere.
import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { HarnessError } from '../errors/harness-error.ts';
import { killChildTree } from '../process/kill-tree.ts';

export interface NetworkHolder {
  /** An open fd of the namespace; a run gets it as its fd 3. */
  readonly fd: number;
  /** Why the holder ended before close() (its exit and last words), or undefined while it runs. */
  ended(): string | undefined;
  /** Kills the holder (its whole PID namespace) and closes the fd. */
  close(): Promise<void>;
}

/** Enough of the holder's stderr to explain why it ended; the rest is read and dropped. */
const keptStderr = 2048;

/**
 * Starts `argv` — a confined bwrap with `--unshare-net --info-fd 3` — and returns once its network
 * namespace is open and, when `listenPort` is given, something listens on 127.0.0.1:<listenPort> in it.
 */
export async function startNetworkHolder(argv: string[], options: { env: NodeJS.ProcessEnv; listenPort?: number; timeoutMs: number }): Promise<NetworkHolder> {
  const [file, ...args] = argv;
  if (!file) throw new TypeError('Expected the holder command, got an empty argv');
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: options.env });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString('utf8')).slice(-keptStderr); });
  let exit: string | undefined;
  // 'close', not 'exit': the stderr pipe closes once the holder's whole PID namespace is gone,
  // which is what dispose() must wait for (the outer bwrap exits first, its init a moment later).
  const closed = new Promise<void>((resolve) => child.once('close', (code, signal) => {
    exit = `the network holder ended (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim()}` : ''}`;
    resolve();
  }));
  child.once('error', (error) => { exit = `the network holder did not start: ${error.message}`; });
  let fd: number | undefined;
  const close = async (): Promise<void> => {
    // The outer bwrap and its PID namespace's init (and so socat), frozen first: a close during the
    // start would otherwise orphan an init that --die-with-parent has not armed yet.
    await killChildTree(child);
    await closed;
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  try {
    const pid = await childPid(child.stdio[3] as NodeJS.ReadableStream, closed, () => exit);
    fd = openSync(`/proc/${pid}/ns/net`, 'r');
    // bwrap was told --unshare-net; should it ever not have, a run would join the host's network.
    if (fstatSync(fd).ino === statSync('/proc/self/ns/net').ino) throw new Error(`the holder (pid ${pid}) is in the harness's own network namespace`);
    if (options.listenPort !== undefined) await waitForListener(pid, options.listenPort, options.timeoutMs, () => exit);
    const opened = fd;
    return { fd: opened, ended: () => exit, close };
  } catch (error) {
    await close();
    throw new HarnessError(`the lesson sandbox's network namespace did not start: ${(error as Error).message}${exit && !(error as Error).message.includes(exit) ? `; ${exit}` : ''}`, {
      fix: 'allow unprivileged user namespaces (sysctl user.max_user_namespaces > 0; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0 or its bwrap AppArmor profile) and install socat',
      cause: error,
    });
  }
}

/** bwrap's --info-fd: `{ "child-pid": N, … }`, N being the sandbox's init, inside the new namespaces. */
async function childPid(info: NodeJS.ReadableStream, closed: Promise<void>, exit: () => string | undefined): Promise<number> {
  let text = '';
  const found = new Promise<number>((resolve, reject) => {
    info.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const pid = /"child-pid":\s*(\d+)/.exec(text)?.[1];
      if (pid && text.includes('}')) resolve(Number(pid));
    });
    info.once('end', () => reject(new Error(exit() ?? `bwrap printed no child pid (${JSON.stringify(text)})`)));
  });
  return Promise.race([found, closed.then(() => { throw new Error(exit() ?? 'the network holder ended'); })]);
}

/** The kernel lists a listening socket on 127.0.0.1:<port> as `0100007F:<PORT> 00000000:0000 0A`. */
async function waitForListener(pid: number, port: number, timeoutMs: number, exit: () => string | undefined): Promise<void> {
  const line = ` 0100007F:${port.toString(16).toUpperCase().padStart(4, '0')} 00000000:0000 0A`;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    const ended = exit();
    if (ended) throw new Error(ended);
    if ((await readFile(`/proc/${pid}/net/tcp`, 'utf8').catch(() => '')).includes(line)) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} in the sandbox after ${timeoutMs} ms`);
    await sleep(delay);
  }
}
