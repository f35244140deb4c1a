// One network namespace per lesson: what a command serves in the background (a port-forward,
// `cmd &`) is reached by the lesson's later commands, as in one terminal — and from nowhere else,
// not the host. Nothing of it outlives the lesson, nor the harness when it is SIGKILLed (its
// processes end with it; its cgroups and folders are swept by the next run).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import { execa } from 'execa';
import { deadRunLeftovers, sweepDeadRuns } from '../../src/process/leftovers.ts';
import { describeFindings, sandboxProcesses, verifyFixture } from './support.ts';

/** Whether something on the HOST's loopback accepts a connection on this port. */
function hostListens(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Live (non-zombie) processes whose network namespace is `netns` (`net:[inode]`). */
async function processesIn(netns: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of (await readdir('/proc')).filter((p) => /^\d+$/.test(p))) {
    if ((await readlink(`/proc/${pid}/ns/net`).catch(() => '')) !== netns) continue;
    if (!/^State:\s+Z/m.test(await readFile(`/proc/${pid}/status`, 'utf8').catch(() => 'State: Z'))) found.push(pid);
  }
  return found;
}

describe('hostile lessons: one network namespace per lesson', function () {
  this.timeout(120_000);

  it('a background port-forward and a background server are reached by later commands, not by the host; nothing is left', async () => {
    // Looked at from the host while the lesson's client command runs: the servers are up then.
    const hostProbes: Promise<[number, boolean]>[] = [];
    const log = (line: string): void => {
      const port = /\$ (?:curl -s localhost:|busybox nc 127\.0\.0\.1 )(\d+)/.exec(line)?.[1];
      if (port) hostProbes.push(hostListens(Number(port)).then((up) => [Number(port), up]));
    };
    const { findings, outputs } = await verifyFixture('port-forward.md', { commandTimeoutMs: 60_000, exerciseTimeoutMs: 90_000, log });
    expect(findings.filter((f) => f.severity === 'error'), describeFindings(findings)).to.deep.equal([]);
    expect(outputs, 'what the later commands printed').to.include.members(['hello from the pod\n', 'hi\n']);
    expect(await Promise.all(hostProbes), 'the host\'s 127.0.0.1 while the lesson served these ports').to.deep.equal([[18080, false], [18081, false]]);
    // The fixture's hidden setup printed the lesson's network namespace. (Not "no sandbox uid on the
    // host": other harnesses on this machine may run lessons right now, each as a uid of its own.)
    const netns = /^netns (net:\[\d+\])$/m.exec(outputs.join('\n'))?.[1];
    expect(netns, `the hidden setup's output in ${JSON.stringify(outputs)}`).to.be.a('string');
    expect(await processesIn(netns ?? ''), `processes left in the lesson's network namespace ${netns}`).to.deep.equal([]);
    for (const pattern of ['port-forward pod/web', 'nc -ll -p 18081']) {
      expect((await execa('pgrep', ['-af', pattern], { reject: false })).stdout, `left after the lesson: ${pattern}`).to.equal('');
    }
  });

  it('the harness SIGKILLed with a server in the background: the sandbox and its network namespace go with it', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'sigkill-child.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); if (out.includes('\n')) resolve(out.split('\n')[0] ?? ''); });
      child.once('close', (code) => reject(new Error(`sigkill-child.ts ended (exit code ${code}) before it was up: ${out}`)));
    });
    const { uid, pid, scratch, netns, reached } = JSON.parse(line) as { uid: number; pid: number; scratch: string; netns: string; reached: string };
    // What a harness that died leaves: its sandbox's cgroups and runtime folder, and the lesson's scratch dir.
    const leftBy = async (): Promise<string[]> => (await deadRunLeftovers()).filter((p) => path.basename(p).includes(`-${pid}-`)).map((p) => p.replace(/-[\w]{6}$/, '-*')).sort();
    try {
      expect(reached, 'the second run reached the first run\'s server').to.equal('hi');
      expect(await processesIn(netns), `processes in the lesson's network namespace ${netns} while it runs`).to.have.length.greaterThan(0);
      expect(await leftBy(), 'leftovers of a dead run while it is alive').to.deep.equal([]);
      child.kill('SIGKILL');
      let left = await sandboxProcesses(uid);
      for (let i = 0; i < 50 && left.length > 0; i++) left = await sleep(100).then(() => sandboxProcesses(uid));
      expect(left, 'processes of the sandbox\'s uid after the harness was SIGKILLed').to.deep.equal([]);
      expect(await processesIn(netns), `processes in ${netns} after the harness was SIGKILLed`).to.deep.equal([]);
      // The next run sweeps them before its first sandbox (src/process/leftovers.ts).
      const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
      const cgroups = (v2 ? [''] : ['memory', 'pids']).map((c) => path.join('/sys/fs/cgroup', c, `lesson-harness-sandbox-${pid}-${uid}`));
      expect(await leftBy(), 'what the killed harness left').to.deep.equal([...cgroups, path.join(os.tmpdir(), `lesson-${pid}-*`), path.join(os.tmpdir(), `lh-sandbox-${pid}-*`)].sort());
      await sweepDeadRuns();
      expect(await leftBy(), 'after the next run\'s sweep').to.deep.equal([]);
    } finally {
      child.kill('SIGKILL');
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
