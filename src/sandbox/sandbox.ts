// Runs a lesson's shell commands as a stranger would be allowed to: a lesson is untrusted input (in
// CI it comes from a pull request). Each run() is one bubblewrap sandbox (see README, "Threat model"),
// and every run of one Sandbox (one lesson) shares one network namespace (./network-holder.ts):
//
// - a dedicated uid/gid of its own (random, high, in no passwd file), no capabilities, no new
//   privileges, no further user namespaces; inside it appears as uid 1000 "student";
// - its own mount, PID, IPC and UTS namespaces; the lesson's network namespace. The host's /usr is
//   there read-only (bash, coreutils, grep/sed/awk, base64, jq, socat), kubectl of the cluster's
//   version, a synthetic /etc, a private /tmp, and the scratch dir — writable, HOME and working
//   directory. Nothing else: no /root, /var, /home, the harness's state or keys;
// - no network but one port: 127.0.0.1:<API server port> inside is forwarded (socat → a Unix
//   socket → the harness) to the API server. No DNS, no other host port, no abstract Unix socket of
//   the host. What one command of the lesson serves on the loopback (a port-forward) the next reach;
// - an environment of PATH, HOME, KUBECONFIG, TERM=dumb, LANG=C.UTF-8 and USER only;
// - bounded: a memory+pids cgroup (RLIMIT_NPROC on the dedicated uid as well), RLIMIT_FSIZE, the
//   timeout, and output read to the end but kept only up to a limit. At the timeout or on abort the
//   outer bwrap and its child, the PID namespace's init, are killed (src/process/kill-tree.ts: not the
//   parent alone, which orphans a child still being set up), and the kernel then kills every process
//   of the namespace: the whole tree, `sleep 600 | cat` and `setsid` too.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { constants, readlinkSync } from 'node:fs';
import { access, chmod, chown, copyFile, link, lstat, mkdir, mkdtemp, open, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { defaults } from '../config/defaults.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { startApiForwarder, type ApiForwarder } from './api-forwarder.ts';
import { createCgroup, type SandboxCgroup } from './cgroup.ts';
import { checkFileName } from './file-names.ts';
import { killChildTree } from '../process/kill-tree.ts';
import { ownedName, sweepDeadRuns } from '../process/leftovers.ts';
import { startNetworkHolder, type NetworkHolder } from './network-holder.ts';

export interface SandboxOptions {
  /** The only writable place; also HOME and the working directory. Chowned to the sandbox's uid. */
  scratch: string;
  /** Directory of the kubectl that must be first on PATH inside (else the host's, if any, in /usr). */
  kubectlDir?: string;
  /** Path (inside scratch) of the lesson's kubeconfig, exported as KUBECONFIG. Its server must be `loopbackServer(apiServer)`. */
  kubeconfig: string;
  /** The only network destination lessons may reach (reached through 127.0.0.1:<port> inside). */
  apiServer?: { host: string; port: number };
  limits?: Partial<SandboxLimits>;
}

export interface SandboxLimits { timeoutMs: number; outputBytes: number; pids: number; memoryBytes: number; fileBytes: number }

export interface SandboxResult { exitCode: number; output: string; timedOut: boolean; stopped: boolean; truncated: boolean }

export interface RunOptions { signal?: AbortSignal; timeoutMs?: number; onOutput?: (chunk: string) => void }

export interface Sandbox {
  /** The host uid every sandboxed process runs as. */
  readonly uid: number;
  /**
   * Runs `bash` on this script inside the sandbox; stdout+stderr interleaved. Aborting `signal` (the
   * exercise settled, for an endless `kubectl get -w`) ends the WHOLE process tree and resolves with stopped=true.
   * Every run of one sandbox shares its network namespace: a port one run listens on, the next reach.
   */
  run(script: string, options?: RunOptions): Promise<SandboxResult>;
  /**
   * Writes a lesson's file into scratch, owned by the sandbox's uid. Refuses (HarnessError) a name
   * that is absolute, has `..`, or runs through a symlink out of scratch (one a command made).
   */
  writeFile(name: string, content: string): Promise<string>;
  /** Ends every run still going, the network namespace's holder and the API forwarder. */
  dispose(): Promise<void>;
}

/** The kubeconfig server for a sandbox: the API server's port on the sandbox's own loopback. */
export function loopbackServer(apiServer: { port: number }): string {
  return `https://127.0.0.1:${apiServer.port}`;
}

/** Uids from here on belong to no account on any common system (they stop below 2^31 - 1). */
const uidBase = 1_900_000_000;
const insideUid = 1000;
const runtimeMount = '/run/lesson-harness';
const binMount = '/opt/lesson-harness/bin';
/** execve's limit for one argument is 128 KiB; the script is one. */
const maxScriptBytes = 120 * 1024;
const hostPath = '/usr/sbin:/usr/bin:/sbin:/bin';

/** Once per process, before its first sandbox: what sandboxes of harnesses that died left behind. */
let sweep: Promise<void> | undefined;

export async function createSandbox(options: SandboxOptions): Promise<Sandbox> {
  await checkPrerequisites(Boolean(options.apiServer));
  const limits: SandboxLimits = { ...defaults.sandbox, ...options.limits };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new TypeError(`Expected sandbox limit \`${key}\` to be a positive integer, got \`${String(value)}\``);
  }
  const scratch = await realpath(options.scratch);
  const uid = uidBase + randomInt(100_000_000);
  sweep ??= sweepDeadRuns().then((removed) => {
    if (removed.length) process.stderr.write(`sandbox: removed ${removed.length} leftover(s) of runs that died: ${removed.slice(0, 3).join(', ')}${removed.length > 3 ? ', …' : ''}\n`);
  }, () => undefined);
  await sweep;
  // Root-owned and world-readable: the sandbox's uid must reach these files to bind them. Named
  // after this process, so that a run which finds it after we died can tell it is a leftover.
  const runtime = await mkdtemp(path.join(os.tmpdir(), ownedName('lh-sandbox-')));
  const cleanups: (() => Promise<unknown>)[] = [() => rm(runtime, { recursive: true, force: true })];
  const dispose = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    await chmod(runtime, 0o755);
    await writeFile(path.join(runtime, 'passwd'), `root:x:0:0:root:/root:/usr/sbin/nologin\nstudent:x:${insideUid}:${insideUid}:student:${scratch}:/bin/bash\n`);
    await writeFile(path.join(runtime, 'group'), `root:x:0:\nstudent:x:${insideUid}:\n`);
    await writeFile(path.join(runtime, 'hosts'), '127.0.0.1 localhost\n::1 localhost\n');
    if (options.kubectlDir) await provideKubectl(options.kubectlDir, path.join(runtime, 'bin'));
    await chownTree(scratch, uid);
    const cgroup = await createCgroup(ownedName('lesson-harness-sandbox-', String(uid)), limits);
    if ('remove' in cgroup) cleanups.push(() => cgroup.remove());
    else process.stderr.write(`sandbox: no memory/pids cgroup (${cgroup.unavailable}); processes are bounded by RLIMIT_NPROC, memory is not\n`);
    let forwarder: ApiForwarder | undefined;
    if (options.apiServer) {
      forwarder = await startApiForwarder(path.join(runtime, 'api.sock'), options.apiServer, uid);
      cleanups.push(() => forwarder?.close() ?? Promise.resolve());
    }
    const base = await bwrapArgs({ uid, scratch, runtime, kubeconfig: options.kubeconfig, hasKubectl: Boolean(options.kubectlDir), hasApi: Boolean(options.apiServer) });
    const confinement = { uid, limits, cgroup: 'remove' in cgroup ? cgroup : undefined };
    // The lesson's network namespace: its holder is the API port's forwarder (socat), confined like
    // any run (same uid, cgroup, rlimits, mounts), in the sandbox's cgroup so its forks count too.
    const holderCommand = options.apiServer
      ? ['socat', `TCP-LISTEN:${options.apiServer.port},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${runtimeMount}/api.sock`]
      : ['sleep', 'infinity'];
    const network: NetworkHolder = await startNetworkHolder(confinedCommand(confinement, [...base, '--unshare-net', '--info-fd', '3'], holderCommand), {
      env: { PATH: hostPath }, timeoutMs: 10_000, ...(options.apiServer ? { listenPort: options.apiServer.port } : {}),
    });
    cleanups.push(() => network.close());
    let disposed = false;
    cleanups.push(async () => { disposed = true; });
    const run = (script: string, runOptions: RunOptions = {}): Promise<SandboxResult> => {
      if (disposed) return Promise.reject(new TypeError('Expected a sandbox that is not disposed, got one whose dispose() was called'));
      return runInSandbox({ ...confinement, base, network, script, ...runOptions });
    };
    // A kernel that refuses unprivileged user namespaces (Ubuntu's AppArmor restriction, a sysctl)
    // fails at the holder above or here with bwrap's own words, not at the lesson's first command.
    const probe = await run('exit 0', { timeoutMs: 10_000 });
    if (probe.exitCode !== 0) {
      throw new HarnessError(`the lesson sandbox does not start: ${probe.output.trim() || `exit code ${probe.exitCode}`}`, {
        fix: 'allow unprivileged user namespaces (sysctl user.max_user_namespaces > 0; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0 or its bwrap AppArmor profile)',
      });
    }
    return {
      uid,
      run,
      writeFile: (name, content) => writeScratchFile(scratch, uid, name, content),
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function checkPrerequisites(needSocat: boolean): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new HarnessError('the lesson sandbox needs root: it runs lesson commands as a dedicated unprivileged uid', { fix: 'run the harness as root (sudo), as its local cluster needs too' });
  }
  const tools = ['bwrap', 'setpriv', 'prlimit', 'nsenter', 'bash', ...(needSocat ? ['socat'] : [])];
  const missing: string[] = [];
  for (const tool of tools) {
    const found = await Promise.any(hostPath.split(':').map((dir) => access(path.join(dir, tool), constants.X_OK))).then(() => true, () => false);
    if (!found) missing.push(tool);
  }
  if (missing.length) {
    throw new HarnessError(`the lesson sandbox needs ${missing.join(', ')}, not found in ${hostPath}`, { fix: 'apt-get install bubblewrap socat util-linux (scripts/setup.sh installs them)' });
  }
}

/** kubectl of the cluster's version, placed where the sandbox's uid can read it (the cache is under /root). */
async function provideKubectl(kubectlDir: string, binDir: string): Promise<void> {
  const binary = await realpath(path.join(kubectlDir, 'kubectl')).catch((error: Error) => {
    throw new HarnessError(`no kubectl in ${kubectlDir}: ${error.message}`, { fix: 'pass the kubectlDir of the started cluster' });
  });
  await mkdir(binDir, { mode: 0o755 });
  const target = path.join(binDir, 'kubectl');
  // A hard link costs nothing on the same file system; elsewhere, a copy.
  await link(binary, target).catch(() => copyFile(binary, target));
  await chmod(target, 0o755);
}

async function chownTree(dir: string, uid: number): Promise<void> {
  const { execa } = await import('execa');
  await execa('chown', ['-R', '--no-dereference', `${uid}:${uid}`, dir], { env: { PATH: hostPath }, extendEnv: false });
}

/** Binds `path` the way the host has it: a symlink stays a symlink (merged /usr), a directory is bound read-only. */
async function hostTopLevel(name: string): Promise<string[]> {
  const stat = await lstat(`/${name}`).catch(() => undefined);
  if (!stat) return [];
  if (stat.isSymbolicLink()) return ['--symlink', readlinkSync(`/${name}`), `/${name}`];
  return ['--ro-bind', `/${name}`, `/${name}`];
}

async function bwrapArgs(o: { uid: number; scratch: string; runtime: string; kubeconfig: string; hasKubectl: boolean; hasApi: boolean }): Promise<string[]> {
  const top = (await Promise.all(['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'].map(hostTopLevel))).flat();
  const env = {
    PATH: `${o.hasKubectl ? `${binMount}:` : ''}/usr/local/bin:/usr/bin:/bin`,
    HOME: o.scratch, KUBECONFIG: o.kubeconfig, TERM: 'dumb', LANG: 'C.UTF-8', USER: 'student',
  };
  return [
    '--unshare-user', '--uid', String(insideUid), '--gid', String(insideUid), '--disable-userns',
    // No --unshare-net: a run joins the lesson's network namespace before bwrap (see runInSandbox).
    '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--hostname', 'lesson', '--unshare-cgroup-try',
    '--die-with-parent', '--new-session',
    '--ro-bind', '/usr', '/usr', ...top,
    '--ro-bind-try', '/etc/alternatives', '/etc/alternatives', // awk -> mawk
    '--ro-bind-try', '/etc/ld.so.cache', '/etc/ld.so.cache',
    '--ro-bind', path.join(o.runtime, 'passwd'), '/etc/passwd',
    '--ro-bind', path.join(o.runtime, 'group'), '/etc/group',
    '--ro-bind', path.join(o.runtime, 'hosts'), '/etc/hosts',
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(64 * 1024 * 1024), '--tmpfs', '/tmp',
    ...(o.hasKubectl ? ['--ro-bind', path.join(o.runtime, 'bin'), binMount] : []),
    ...(o.hasApi ? ['--ro-bind', path.join(o.runtime, 'api.sock'), `${runtimeMount}/api.sock`] : []),
    '--bind', o.scratch, o.scratch, '--chdir', o.scratch,
    '--remount-ro', '/', // the sandbox's own root (a tmpfs): /etc/x or /x fail as on a real system
    '--clearenv', ...Object.entries(env).flatMap(([k, v]) => ['--setenv', k, v]),
  ];
}

interface Confinement { uid: number; limits: SandboxLimits; cgroup: SandboxCgroup | undefined }

/**
 * The chain every sandboxed process starts through, as root: join the cgroup, (join the lesson's
 * network namespace, given as fd 3,) set the rlimits, drop to the uid, bwrap. Each step execs the next,
 * so the process the harness spawned IS bwrap, and --die-with-parent ties the sandbox to the harness.
 */
function confinedCommand(c: Confinement, bwrap: string[], inner: string[], joinNetwork = false): string[] {
  const join = c.cgroup?.procsFiles ?? [];
  const nproc = c.limits.pids;
  return [
    // Joins the cgroup first, so everything after (and bwrap's whole tree) is counted in it.
    '/bin/bash', '-c', 'n=$1; shift; for ((i = 0; i < n; i++)); do echo $$ > "$1" || { echo "lesson-harness: cannot join the sandbox cgroup ($1)" >&2; exit 125; }; shift; done; exec "$@"', 'join', String(join.length), ...join,
    ...(joinNetwork ? ['nsenter', '--net=/proc/self/fd/3', '--'] : []),
    'prlimit', `--nproc=${nproc}:${nproc}`, `--fsize=${c.limits.fileBytes}:${c.limits.fileBytes}`, '--core=0:0', '--',
    'setpriv', `--reuid=${c.uid}`, `--regid=${c.uid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--no-new-privs', '--',
    'bwrap', ...bwrap, '--',
    ...inner,
  ];
}

interface RunRequest extends RunOptions, Confinement { base: string[]; network: NetworkHolder; script: string }

async function runInSandbox(r: RunRequest): Promise<SandboxResult> {
  if (Buffer.byteLength(r.script) > maxScriptBytes || r.script.includes('\0')) {
    throw new TypeError(`Expected a script of at most ${maxScriptBytes} bytes without NUL characters, got ${Buffer.byteLength(r.script)} bytes`);
  }
  if (r.signal?.aborted) return { exitCode: 0, output: '', timedOut: false, stopped: true, truncated: false };
  const oomBefore = (await r.cgroup?.oomKills()) ?? 0;
  // The first bash closes the namespace fd (3), so the lesson's shell does not inherit it.
  const command = confinedCommand(r, r.base, ['/bin/bash', '--noprofile', '--norc', '-c', 'exec 3<&- 2>&1; exec -a bash /bin/bash --noprofile --norc -c "$1" bash', 'bash', r.script], true);
  const child = spawn(command[0] ?? '/bin/bash', command.slice(1), { stdio: ['ignore', 'pipe', 'pipe', r.network.fd], env: { PATH: hostPath } }) as ChildProcessByStdio<null, Readable, Readable>;
  const kept: Buffer[] = [];
  let keptBytes = 0;
  let truncated = false;
  // One decoder per stream, so a UTF-8 character split between two chunks reaches onOutput whole.
  const take = (decoder: StringDecoder) => (chunk: Buffer): void => {
    const room = r.limits.outputBytes - keptBytes;
    if (room <= 0) {
      truncated = true;
      return;
    }
    const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (part.length < chunk.length) truncated = true;
    kept.push(part);
    keptBytes += part.length;
    if (r.onOutput) r.onOutput(decoder.write(part));
  };
  child.stdout.on('data', take(new StringDecoder('utf8')));
  child.stderr.on('data', take(new StringDecoder('utf8'))); // bwrap's own errors; the lesson's stderr is merged into stdout inside
  let timedOut = false;
  let stopped = false;
  const killTree = (): void => void killChildTree(child);
  const timer = setTimeout(() => {
    timedOut = true;
    killTree();
  }, r.timeoutMs ?? r.limits.timeoutMs);
  const onAbort = (): void => {
    stopped = true;
    killTree();
  };
  r.signal?.addEventListener('abort', onAbort, { once: true });
  // An abort during the awaits above has fired already: its listener would never run.
  if (r.signal?.aborted) onAbort();
  const exitCode = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => resolve(code ?? 128 + (signal ? os.constants.signals[signal] : 0)));
  }).finally(() => {
    clearTimeout(timer);
    r.signal?.removeEventListener('abort', onAbort);
  });
  let output = Buffer.concat(kept).toString('utf8');
  if (r.cgroup && (await r.cgroup.oomKills()) > oomBefore) {
    output += `\n[lesson-harness] the sandbox's memory limit (${Math.round(r.limits.memoryBytes / 2 ** 20)} MiB) was reached: the kernel killed a process\n`;
  }
  // The forwarder is the lesson's only way to the API server; say so when it is gone, rather than
  // leave a bare "connection refused" from every kubectl that follows.
  const holderEnded = r.network.ended();
  if (holderEnded) output += `\n[lesson-harness] ${holderEnded}: the API server cannot be reached from here on\n`;
  return { exitCode, output, timedOut, stopped: stopped && !timedOut, truncated };
}

async function writeScratchFile(scratch: string, uid: number, name: string, content: string): Promise<string> {
  const readLink = (p: string): string | undefined => {
    try {
      return readlinkSync(p);
    } catch {
      return undefined;
    }
  };
  const check = checkFileName(name, { scratch, readLink });
  if (!check.ok) throw new HarnessError(`lesson file not written: ${check.problem}`, { fix: check.fix });
  // No sandboxed process runs between two commands, so nothing can swap a directory for a link
  // after the check; O_NOFOLLOW refuses a link at the last component all the same.
  const dirs: string[] = [];
  for (let dir = path.dirname(check.path); dir !== scratch && !(await lstat(dir).catch(() => undefined)); dir = path.dirname(dir)) dirs.unshift(dir);
  for (const dir of dirs) {
    await mkdir(dir);
    await chown(dir, uid, uid);
  }
  const handle = await open(check.path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
  try {
    await handle.writeFile(content);
    await handle.chown(uid, uid);
  } finally {
    await handle.close();
  }
  return check.path;
}
