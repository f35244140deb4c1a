// The embedded local cluster provider, for real: prerequisite errors, start, a pod and its logs,
// security properties, stop with zero leftovers, and clean-up after a killed run. It uses its own
// state directory and ports, so it can run next to a lesson cluster.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, stat } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { execa } from 'execa';
import { LocalClusterProvider, type StartedLocalCluster } from '../../src/cluster-providers/local/local-cluster-provider.ts';
import { checkCgroups, checkPlatform, checkPorts, checkStateDir, checkTools } from '../../src/cluster-providers/local/prerequisites.ts';
import { localLayout } from '../../src/cluster-providers/local/layout.ts';
import { clusterProcesses, listLeftovers } from '../../src/cluster-providers/local/teardown.ts';
import { projectRoot } from '../../src/config/project-root.ts';

const stateDir = '/var/lib/lesson-harness/provider-test';
const portBase = 27400;
const quiet = { log: () => undefined };

describe('local cluster provider: prerequisite errors', function () {
  it('refuses a host that is not Linux, naming the other providers', () => {
    expect(() => checkPlatform({ platform: 'darwin', uid: 0 })).to.throw(/this host is darwin[\s\S]*LESSON_HARNESS_PROVIDER=kind/);
  });
  it('refuses a user who is not root, with the fix', () => {
    expect(() => checkPlatform({ platform: 'linux', uid: 1000 })).to.throw(/needs root[\s\S]*uid 1000[\s\S]*fix: run as root/);
  });
  it('names a missing host program, its Debian package and the setup script', async () => {
    const error = await checkTools([['/nonexistent/containerd', 'containerd']]).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/\/nonexistent\/containerd \(Debian package containerd\)[\s\S]*scripts\/setup.sh/);
  });
  it('names missing cgroup controllers', async () => {
    const empty = await mkdtemp(path.join(os.tmpdir(), 'cgroups-'));
    const error = await checkCgroups(empty).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/missing under .*: cpu, cpuacct, cpuset, memory, pids/);
  });
  it('names a taken port, its component and how to move the cluster', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(portBase + 2, '127.0.0.1', r));
    try {
      const error = await checkPorts(localLayout(stateDir, portBase).ports).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(/27402 \(apiserver\)[\s\S]*LESSON_HARNESS_PORT_BASE/);
    } finally {
      blocker.close();
    }
  });
  it('refuses a state directory that teardown could not safely empty', () => {
    expect(() => checkStateDir(localLayout('/', portBase))).to.throw(/at least two levels deep/);
  });
  it('says Go is missing when Kubernetes must be built without it', async () => {
    const cache = await mkdtemp(path.join(os.tmpdir(), 'no-build-'));
    const result = await execa('bash', [path.join(projectRoot, 'scripts', 'build-kubernetes.sh')], {
      reject: false, env: { LESSON_HARNESS_CACHE: cache, PATH: '/usr/bin:/bin' }, extendEnv: false,
    });
    expect(result.exitCode).to.equal(1);
    expect(result.stderr).to.match(/Go is missing[\s\S]*Install Go/);
  });
});

describe('local cluster provider: a real cluster', function () {
  // Generous: a cold start on a busy 2-core machine; the Kubernetes build ran before mocha.
  this.timeout(240_000);
  const provider = new LocalClusterProvider({ stateDir, portBase });
  let cluster: StartedLocalCluster;

  before(async () => {
    cluster = (await provider.start(quiet)) as StartedLocalCluster;
  });
  after(async () => {
    await cluster?.stop();
  });

  it('reports the pinned Kubernetes version through the API', async () => {
    const { stdout } = await execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, 'version', '-o', 'json']);
    expect((JSON.parse(stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion).to.equal('v1.34.12');
  });

  it('runs a pod from the alpine stand-in and returns its output through kubectl logs', async () => {
    const kubectl = (...args: string[]) => execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, ...args]);
    await kubectl('run', 'hello', '--image=r.deso.tech/library/alpine', '--restart=Never', '--command', '--', '/bin/sh', '-c', 'echo hello from $(shuf -i 7-7 -n 1)');
    await kubectl('wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hello', '--timeout=60s');
    expect((await kubectl('logs', 'hello')).stdout).to.equal('hello from 7');
  });

  it('keeps keys and kubeconfigs private (0600)', async () => {
    const files = [cluster.kubeconfigPath, ...(await readdir(cluster.layout.pki)).filter((f) => f.endsWith('.key')).map((f) => path.join(cluster.layout.pki, f))];
    expect(files.length).to.be.greaterThan(8);
    for (const file of files) expect(((await stat(file)).mode & 0o777).toString(8), file).to.equal('600');
  });

  it('listens on 127.0.0.1 only, with TLS that refuses anonymous requests', async () => {
    const pids = new Set((await clusterProcesses(cluster.layout)).map((p) => p.pid));
    const { stdout } = await execa('ss', ['-Hltnp']);
    const ours = stdout.split('\n').filter((line) => [...line.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1]))));
    expect(ours.length, 'listening sockets of the cluster').to.be.greaterThan(5);
    for (const line of ours) expect(line.split(/\s+/)[3], line).to.match(/^127\.0\.0\.1:/);
    const anonymous = await execa('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${cluster.layout.ports.apiserver}/api/v1/pods`], { reject: false });
    expect(anonymous.stdout).to.equal('401');
    const kubeletAnonymous = await execa('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${cluster.layout.ports.kubelet}/pods`], { reject: false });
    expect(kubeletAnonymous.stdout).to.equal('401');
    const registryAnonymous = await execa('curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', `https://127.0.0.1:${cluster.layout.ports.registry}/v2/library/busybox/manifests/latest?ns=docker.io`], { reject: false });
    expect(registryAnonymous.stdout, 'image registry without credentials').to.equal('401');
  });

  it('stops everything and leaves nothing behind', async () => {
    await cluster.stop();
    expect(await listLeftovers(cluster.layout)).to.deep.equal([]);
  });
});

describe('local cluster provider: a killed run', function () {
  this.timeout(240_000);
  const provider = new LocalClusterProvider({ stateDir, portBase });

  it('leaves nothing behind once the next cluster:down has cleaned up', async () => {
    // A harness process that starts a cluster, says so, then is killed with SIGKILL (no clean-up).
    const script = `import { LocalClusterProvider } from ${JSON.stringify(path.join(projectRoot, 'src/cluster-providers/local/local-cluster-provider.ts'))};
      const c = await new LocalClusterProvider({ stateDir: ${JSON.stringify(stateDir)}, portBase: ${portBase} }).start({ log: () => {} });
      const core = c.kubeConfig.makeApiClient((await import('@kubernetes/client-node')).CoreV1Api);
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'sleeper' }, spec: { containers: [{ name: 's', image: 'r.deso.tech/library/alpine', command: ['sleep', '600'] }] } } });
      console.log('READY'); setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve(); });
      child.once('exit', (code) => reject(new Error(`cluster process exited early with ${code}`)));
    });
    // Wait until the sleeper's container runs, so there is a shim, a mount and a cgroup to leak.
    const core = (await import('@kubernetes/client-node')).KubeConfig;
    const kc = new core();
    kc.loadFromFile(localLayout(stateDir, portBase).adminKubeconfig);
    const api = kc.makeApiClient(CoreV1Api);
    for (let i = 0; i < 300 && (await api.readNamespacedPod({ name: 'sleeper', namespace: 'default' })).status?.phase !== 'Running'; i++) await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const leaked = await listLeftovers(provider.layout);
    expect(leaked.length, 'a SIGKILLed run leaves processes, mounts and cgroups').to.be.greaterThan(0);
    const after = await provider.down(() => undefined);
    expect(after).to.deep.equal([]);
  });
});
