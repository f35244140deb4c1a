// Hostile lessons against the host: files outside the working directory, the cluster's keys, the
// harness's processes. Each is run on the real cluster and must leave the host as it was.
import { access } from 'node:fs/promises';
import { expect } from 'chai';
import { execa } from 'execa';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';
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
