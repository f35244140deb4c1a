// Faults and signals, on real runs of lesson-verify as a child process, each with a local cluster
// of its own (its own state directory, ports and temporary directory, beside the suite's cluster):
// - a component killed with SIGKILL mid-lesson ends the run with exit 2, naming the component and
//   its last log lines, within seconds — not with findings against the lesson;
// - SIGINT during the cluster start (to the whole process group, as Ctrl-C does) and SIGTERM to
//   `npm run verify` during the lesson stop the run, write a report marked interrupted when the
//   lesson had started, and exit 130/143;
// - a run that is not stopped leaves nothing in the temporary directory either;
// and every time the host is left clean: no process, mount, cgroup, bridge or iptables chain of that
// cluster, nothing in its temporary directory, no sandbox cgroup of a run that is gone.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { localLayout, type LocalLayout } from '../../src/cluster-providers/local/layout.ts';
import { listLeftovers } from '../../src/cluster-providers/local/teardown.ts';
import { defaults } from '../../src/config/defaults.ts';
import { projectRoot } from '../../src/config/project-root.ts';
import { deadRunLeftovers } from '../../src/process/leftovers.ts';

const lesson = path.join(projectRoot, 'specs', 'fixtures', 'faults', 'slow-lesson.md');
// Beside the suite's own cluster (and the provider tests' at +1000).
const stateDir = `${defaults.localStateDir}-faults-test`;
const portBase = defaults.portBase + 500;
const layout: LocalLayout = localLayout(stateDir, portBase);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  /** When a stderr line matching the pattern given to `when` appeared (performance.now()). */
  seenAt: (pattern: RegExp) => number | undefined;
  tmp: string;
  out: string;
  pid: number;
}

/**
 * Runs lesson-verify (or `npm run verify` when `npm` is set) on the slow lesson in a process group
 * of its own, with a private TMPDIR, and calls `when(line, child)` for each stderr line.
 */
async function runVerify(options: { name: string; npm?: boolean; when: (line: string, pid: number) => void }): Promise<Run> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'faults-spec-tmp-'));
  await chmod(tmp, 0o1777); // as /tmp: the sandbox's uid must reach its scratch and runtime folders in it
  const out = await mkdtemp(path.join(os.tmpdir(), 'faults-spec-out-'));
  const args = ['--provider', 'local', lesson, '--out', out];
  const env = { ...process.env, TMPDIR: tmp, LESSON_HARNESS_LOCAL_DIR: stateDir, LESSON_HARNESS_PORT_BASE: String(portBase), LESSON_HARNESS_PROVIDER: 'local' };
  const child = options.npm
    ? spawn('npm', ['run', '--silent', 'verify', '--', ...args], { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src', 'cli', 'verify.ts'), ...args], { cwd: projectRoot, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? 0;
  let stderr = '';
  let stdout = '';
  const lines: { at: number; line: string }[] = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.on('data', (chunk: Buffer) => {
    const text = chunk.toString();
    stderr += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push({ at: performance.now(), line });
      options.when(line, pid);
    }
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (c, s) => resolve([c, s])));
  // Kept for whoever reads a failure (the assertions quote only parts of it).
  await writeFile(path.join(projectRoot, 'reports', `faults-${options.name}.log`), stderr).catch(() => undefined);
  return { code, signal, stderr, stdout, tmp, out, pid, seenAt: (pattern) => lines.find((l) => pattern.test(l.line))?.at };
}

/** What the run left on the host: its cluster's leftovers, its temporary directory's content, sandboxes of runs that are gone. */
async function hostLeftovers(run: Run): Promise<string[]> {
  // Compile caches kept in the temporary directory and reused by every run — tsx's (tsx-<uid>) and
  // the one npm turns on for Node (node-compile-cache) — are not leftovers.
  const temp = (await readdir(run.tmp)).filter((name) => !/^tsx-\d+$|^node-compile-cache$/.test(name)).map((name) => `temporary ${name}`);
  const cgroups = (await Promise.all(['memory', 'pids', ''].map((c) => readdir(path.join('/sys/fs/cgroup', c)).catch(() => [] as string[]))))
    .flat().filter((name) => name.startsWith(`lesson-harness-sandbox-${run.pid}-`)).map((name) => `cgroup ${name}`);
  return [...await listLeftovers(layout), ...temp, ...cgroups, ...await deadRunLeftovers(run.tmp)];
}

async function cleanUp(run: Run | undefined): Promise<void> {
  if (!run) return;
  await rm(run.tmp, { recursive: true, force: true });
  await rm(run.out, { recursive: true, force: true });
}

/** The component's pid, from the state file the cluster writes once it is ready. */
async function componentPid(name: string): Promise<number> {
  const state = JSON.parse(await readFile(layout.stateFile, 'utf8')) as { pids: Record<string, number> };
  const pid = state.pids[name];
  if (!pid) throw new Error(`no pid of ${name} in ${layout.stateFile}: ${JSON.stringify(state.pids)}`);
  return pid;
}

const lastLogLine = async (component: string): Promise<string> =>
  (await readFile(path.join(layout.logs, `${component}.log`), 'utf8')).trimEnd().split('\n').at(-1) ?? '';

describe('faults and signals: lesson-verify as a child process', function () {
  // Each case starts a cluster of its own (~20 s on a loaded machine) and tears it down.
  this.timeout(240_000);

  for (const component of ['kube-scheduler', 'kubelet']) {
    it(`${component} killed (SIGKILL) mid-lesson: exit 2 naming it with its log, within seconds; nothing left`, async () => {
      let killedAt = 0;
      let killError: unknown;
      let run: Run | undefined;
      try {
        run = await runVerify({
          name: `kill-${component}`,
          when: (line) => {
            if (killedAt || !line.includes('$ sleep 20')) return;
            killedAt = performance.now();
            void componentPid(component).then((pid) => process.kill(pid, 'SIGKILL'), (error: unknown) => { killError = error; });
          },
        });
        expect(killError, 'killing the component').to.equal(undefined);
        expect(killedAt, `the lesson reached its sleep; stderr:\n${run.stderr}`).to.be.greaterThan(0);
        expect(run.code, run.stderr).to.equal(2);
        expect(run.stderr).to.include(`error: the cluster failed: ${component} was killed by SIGKILL\nLast lines of ${path.join(layout.logs, `${component}.log`)}:\n`);
        expect(run.stderr, 'the last line of its log').to.include(await lastLogLine(component));
        const detectedAt = run.seenAt(/^■ stopped in "Exercise 2/);
        expect(detectedAt, run.stderr).to.be.a('number');
        const seconds = ((detectedAt ?? 0) - killedAt) / 1000;
        process.stderr.write(`      ${component}: killed → run stopped in ${seconds.toFixed(2)} s\n`);
        expect(seconds, 'time from the kill to the stop (the issue asks for about 10 s)').to.be.below(10);
        // A fault is no finding against the lesson: the report is partial and says why.
        const report = JSON.parse(await readFile(path.join(run.out, 'slow-lesson.json'), 'utf8')) as { summary: { error: number }; stopped?: { cause: string; message: string; exercise?: { title: string } }; exercises: unknown[] };
        expect(report.summary.error).to.equal(0);
        expect(report.stopped?.cause).to.equal('cluster fault');
        expect(report.stopped?.exercise?.title).to.equal('Exercise 2: a pod, after a pause');
        expect(report.exercises).to.have.length(1);
        expect(await hostLeftovers(run), 'left on the host').to.deep.equal([]);
      } finally {
        await cleanUp(run);
      }
    });
  }

  it('SIGINT to the process group during the cluster start (Ctrl-C): exit 130, no report, nothing left', async () => {
    let sentAt = 0;
    let run: Run | undefined;
    try {
      run = await runVerify({
        name: 'sigint-start',
        when: (line, pid) => {
          // Once processes, mounts, the bridge and chains exist.
          if (sentAt || !/ 4\/7 containerd up/.test(line)) return;
          sentAt = performance.now();
          process.kill(-pid, 'SIGINT');
        },
      });
      expect(sentAt, `the start reached step 4; stderr:\n${run.stderr}`).to.be.greaterThan(0);
      expect(run.code, run.stderr).to.equal(130);
      expect(run.stderr).to.match(/SIGINT: stopping and cleaning up[\s\S]*the cluster start was interrupted/);
      expect(run.stderr, 'the lesson never started').not.to.include('▶ Exercise');
      expect(await readdir(run.out), 'reports').to.deep.equal([]);
      expect(await hostLeftovers(run), 'left on the host').to.deep.equal([]);
    } finally {
      await cleanUp(run);
    }
  });

  it('SIGTERM to `npm run verify` during the lesson: npm forwards it; exit 143, a report marked interrupted, nothing left', async () => {
    let sent = false;
    let run: Run | undefined;
    try {
      run = await runVerify({
        name: 'sigterm-npm',
        npm: true,
        when: (line, pid) => {
          if (sent || !line.includes('$ sleep 20')) return;
          sent = true;
          process.kill(pid, 'SIGTERM'); // npm alone, as a CI runner cancelling the job does
        },
      });
      expect(sent, `the lesson reached its sleep; stderr:\n${run.stderr}`).to.equal(true);
      expect(run.code, run.stderr).to.equal(143);
      expect(run.stderr).to.include('SIGTERM: stopping and cleaning up');
      const report = JSON.parse(await readFile(path.join(run.out, 'slow-lesson.json'), 'utf8')) as { stopped?: { cause: string; message: string; exercise?: { title: string; line: number } }; exercises: { title: string }[] };
      expect(report.stopped).to.deep.equal({ cause: 'interrupted', message: 'interrupted by SIGTERM', exercise: { title: 'Exercise 2: a pod, after a pause', line: 16 } });
      expect(report.exercises.map((e) => e.title)).to.deep.equal(['Exercise 1: a ConfigMap']);
      const banner = 'INTERRUPTED during "Exercise 2: a pod, after a pause" (line 16): interrupted by SIGTERM';
      for (const format of ['md', 'html']) expect(await readFile(path.join(run.out, `slow-lesson.${format}`), 'utf8'), format).to.include(banner.replaceAll('"', '&quot;'));
      expect(await readFile(path.join(run.out, 'slow-lesson.junit.xml'), 'utf8')).to.match(/errors="1"[\s\S]*<error message="INTERRUPTED/);
      expect(await hostLeftovers(run), 'left on the host').to.deep.equal([]);
    } finally {
      await cleanUp(run);
    }
  });

  it('a run to its end leaves nothing in the temporary directory', async () => {
    let run: Run | undefined;
    try {
      run = await runVerify({ name: 'full-run', when: () => undefined });
      expect(run.code, run.stderr).to.equal(0);
      expect(await hostLeftovers(run), 'left on the host').to.deep.equal([]);
    } finally {
      await cleanUp(run);
    }
  });
});
