// Hostile lessons against the host: files outside the working directory, the cluster's keys, the
// harness's processes. Each is run on the real cluster and must leave the host as it was.
import { access, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';
import { createSandbox } from '../../src/sandbox/sandbox.ts';
import { describeFindings, sandboxProcesses, verifyFixture } from './support.ts';

const exists = (p: string) => access(p).then(() => true, () => false);

describe('hostile lessons: the host', function () {
  this.timeout(120_000);
  afterEach(async () => {
    expect(await sandboxProcesses(), 'processes of a sandbox uid left on the host').to.deep.equal([]);
  });

  it('a file name through a symlink out of the working directory: not written, reported at its line', async () => {
    const { findings, ms } = await verifyFixture('escape-symlink.md');
    expect(findings.some((f) => f.line === 9 && f.title === 'file not written' && /symlink k8s -> \/tmp, which points outside/.test(f.clusterDid)), describeFindings(findings)).to.equal(true);
    expect(await exists('/tmp/lesson-hostile.yaml'), '/tmp/lesson-hostile.yaml on the host').to.equal(false);
    expect(ms).to.be.lessThan(30_000);
  });

  it('writing to /root and /etc: fails, the host untouched', async () => {
    const { findings } = await verifyFixture('write-host.md');
    expect(findings.filter((f) => f.title === 'command failed').map((f) => [f.line, f.clusterDid]), describeFindings(findings)).to.deep.equal([
      [6, 'bash: line 1: /root/lesson-hostile: No such file or directory'],
      [10, 'bash: line 1: /etc/lesson-hostile: Read-only file system'],
    ]);
    expect(await exists('/root/lesson-hostile')).to.equal(false);
    expect(await exists('/etc/lesson-hostile')).to.equal(false);
  });

  it('reading the cluster\'s keys, kubeconfigs and the harness\'s environment: nothing there', async () => {
    const { findings, outputs } = await verifyFixture('read-keys.md');
    expect(findings.some((f) => f.line === 6 && f.title === 'command failed' && /No such file or directory/.test(f.clusterDid)), describeFindings(findings)).to.equal(true);
    expect(outputs.join('\n')).not.to.match(/BEGIN|PRIVATE KEY|client-key-data|token:/);
    // The environment is the student's five variables (+ what bash sets itself), no host variable.
    const env = (outputs[1] ?? '').split('\n').filter(Boolean).map((l) => l.split('=')[0]).sort();
    expect(env).to.deep.equal(['HOME', 'KUBECONFIG', 'LANG', 'PATH', 'PWD', 'SHLVL', 'TERM', 'USER', '_']);
  });

  it('kill 0, kill -9 0 and kill -9 -1: the harness survives, each reported, the next command runs', async () => {
    const { findings, outputs } = await verifyFixture('kill-zero.md');
    expect(findings.filter((f) => f.title === 'command failed').map((f) => [f.line, f.clusterDid]), describeFindings(findings)).to.deep.equal([
      [6, 'exit code 143'], [10, 'exit code 137'],
    ]);
    // -1 is every process the sender may signal but itself: inside, that is its own namespace only.
    expect(outputs[2]).to.match(/every process it may signal is in its own namespace\n$/);
    expect(outputs.at(-1)).to.equal('still here\n');
  });

  it('a fork bomb: bounded by the pids limit and the timeout, nothing left', async () => {
    const { findings, ms, outputs } = await verifyFixture('fork-bomb.md', { commandTimeoutMs: 5_000 });
    expect(findings.some((f) => f.line === 6 && f.title === 'command did not finish'), describeFindings(findings)).to.equal(true);
    expect(outputs[0], 'the pids limit is what stopped it').to.match(/fork: (retry: )?Resource temporarily unavailable/);
    expect(outputs.at(-1)).to.equal('still here\n');
    expect(ms).to.be.lessThan(30_000);
  });

  it('sleep 600 | cat: ends at the timeout, both processes gone', async () => {
    const { findings, ms } = await verifyFixture('pipe-outlives.md', { commandTimeoutMs: 3_000 });
    expect(findings.some((f) => f.line === 6 && f.title === 'command did not finish'), describeFindings(findings)).to.equal(true);
    expect(ms).to.be.lessThan(20_000);
    expect((await execa('pgrep', ['-f', '^sleep 600$'], { reject: false })).stdout, 'leftover sleep 600').to.equal('');
  });

  it('an abort at any moment of a command\'s start (the sandbox still being set up) ends it at once', async function () {
    this.timeout(300_000); // a sweep takes 5 s; without the fix, up to 10 s per slow abort
    // Aborts 0–80 ms after the spawn, 1 ms apart, with three CPU hogs making the start slow (as a
    // busy CI runner does): somewhere in there the outer bwrap has cloned the namespace's init but
    // not yet armed its parent-death signal. Killing the outer bwrap alone then orphaned `sleep 10`
    // and the run took its 10 s (3 to 6 times per sweep here).
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'abort-start-'));
    const sandbox = await createSandbox({ scratch, kubeconfig: path.join(scratch, 'kubeconfig') });
    const hogs = [1, 2, 3].map(() => execa('yes', { stdout: 'ignore', reject: false }));
    const slow: string[] = [];
    try {
      for (let delay = 0; delay <= 80; delay++) {
        const controller = new AbortController();
        const began = performance.now();
        setTimeout(() => controller.abort(), delay);
        const result = await sandbox.run('sleep 10', { signal: controller.signal, timeoutMs: 60_000 });
        const ms = performance.now() - began;
        if (ms > 5_000 || !result.stopped) slow.push(`aborted after ${delay} ms: ended after ${Math.round(ms)} ms, stopped=${result.stopped}`);
      }
    } finally {
      for (const hog of hogs) hog.kill('SIGKILL');
      await Promise.all(hogs);
      await sandbox.dispose();
      await rm(scratch, { recursive: true, force: true });
    }
    expect(slow, 'aborts that did not end the command at once').to.deep.equal([]);
    expect((await execa('pgrep', ['-f', '^sleep 10$'], { reject: false })).stdout, 'leftover sleep 10').to.equal('');
  });

  it('a process left in the background: gone when its command ends', async () => {
    const { findings, outputs } = await verifyFixture('background.md');
    expect(findings.filter((f) => f.severity === 'error'), describeFindings(findings)).to.deep.equal([]);
    expect(outputs).to.deep.equal(['', 'next\n']);
    expect((await execa('pgrep', ['-f', '^sleep 601$'], { reject: false })).stdout, 'leftover sleep 601').to.equal('');
  });

  it('10 million lines of output: a truncated finding, 1 MiB kept, bounded memory', async () => {
    const rssBefore = process.memoryUsage().rss;
    const { findings, outputs, ms } = await verifyFixture('output-flood.md', { commandTimeoutMs: 30_000 });
    const grown = process.memoryUsage().rss - rssBefore;
    expect(findings.some((f) => f.line === 6 && f.title === 'output truncated'), describeFindings(findings)).to.equal(true);
    expect(outputs[0]?.length).to.equal(1024 * 1024);
    expect(outputs[0]?.startsWith('1\n2\n3\n')).to.equal(true);
    expect(grown, `the harness grew by ${Math.round(grown / 2 ** 20)} MiB reading 78 MB`).to.be.lessThan(64 * 2 ** 20);
    expect(ms).to.be.lessThan(30_000);
  });

  it('a memory hog: killed at the memory limit, reported', async () => {
    const { findings, ms } = await verifyFixture('memory-hog.md', { commandTimeoutMs: 30_000 });
    const failed = findings.find((f) => f.line === 6 && f.title === 'command failed');
    expect(failed?.clusterDid, describeFindings(findings)).to.match(/the sandbox's memory limit \(1024 MiB\) was reached: the kernel killed a process/);
    expect(ms).to.be.lessThan(30_000);
  });

  it('a 100 MB file: cut at the file size limit (64 MiB)', async () => {
    const { findings, outputs } = await verifyFixture('big-file.md');
    expect(findings.some((f) => f.line === 6 && f.title === 'command failed' && /File size limit exceeded/.test(f.clusterDid)), describeFindings(findings)).to.equal(true);
    expect(outputs[1]).to.equal(`${64 * 1024 * 1024}\n`);
  });

  it('the network: the API server\'s port and nothing else', async () => {
    const { findings, outputs } = await verifyFixture('network.md');
    const apiPort = new URL(sharedCluster().kubeConfig.getCurrentCluster()?.server ?? '').port;
    // The fixture scans the usual ports and both port ranges of local clusters (the API is base+2).
    const scansApi = ['26402', '27602'].includes(apiPort);
    expect(outputs[0], 'open loopback ports inside').to.equal(`${scansApi ? `open ${apiPort}\n` : ''}scanned\n`);
    expect(findings.some((f) => f.line === 10 && /Network is unreachable/.test(f.clusterDid)), describeFindings(findings)).to.equal(true);
    expect(outputs[2]).to.equal('no name resolution\n');
  });
});
