// The kind provider for real (Docker engine started by the project, node image built offline):
// a cluster of the pinned default version (LESSON_HARNESS_KUBERNETES picks another) that runs
// pods, its API on 127.0.0.1 only, and no container, volume or network left after a test runner
// that was killed mid-run, once the next run has started.
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { execa } from 'execa';
import { waitForDefaultServiceAccount } from '../../src/kube/readiness.ts';
import { KindClusterProvider, type StartedKindCluster } from '../../src/cluster-providers/kind/kind-cluster-provider.ts';
import { projectRoot } from '../../src/config/project-root.ts';
import { containerdSettings } from '../../src/cluster-providers/containerd/containerd-settings.ts';
import { singleKubernetesVersion } from '../../src/config/kubernetes-versions.ts';

const quiet = { log: () => undefined };
const docker = async (...args: string[]): Promise<string[]> => String((await execa('docker', args)).stdout).split('\n').filter(Boolean);
// Nodes of one test runner (the provider labels each with its owner's pid): other runs on the same
// Docker engine keep theirs.
const kindNodes = (owner = process.pid): Promise<string[]> => docker('ps', '-a', '-q', '--filter', 'label=lesson-harness.cluster=kind', '--filter', `label=lesson-harness.owner-pid=${owner}`);

describe('kind provider (testcontainers)', function () {
  // Generous: the first run builds the node image (debootstrap, minutes); later starts take ~15 s.
  this.timeout(900_000);
  // The provider starts a Docker engine where none runs; stop it again if it was ours.
  after(async () => {
    await execa('bash', [path.join(projectRoot, 'scripts/stop-docker.sh')], { reject: false });
  });

  it('starts a node of the version asked for, with its containerd, whose API is published on 127.0.0.1 only, runs a pod, serves exec and port-forward, Services and DNS', async () => {
    const version = singleKubernetesVersion();
    const cluster = (await new KindClusterProvider().start(quiet)) as StartedKindCluster;
    try {
      const ports = await docker('port', cluster.container.getId());
      expect(ports.length).to.be.greaterThan(0);
      for (const line of ports) expect(line, 'published port').to.match(/-> 127\.0\.0\.1:\d+$/);
      const kubectl = (...args: string[]) => execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, ...args]);
      // The API server and the lessons' kubectl are the version asked for (by default the pinned default, v1.37.2).
      const versions = JSON.parse((await kubectl('version', '-o', 'json')).stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
      expect({ server: versions.serverVersion.gitVersion, client: versions.clientVersion.gitVersion, node: cluster.version }).to.deep.equal({ server: version, client: version, node: version });
      // … and the node runs the containerd that version needs: the project's build from 1.36 on, else Debian's 1.6.
      const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
      const containerd = containerdSettings(version).containerd;
      const runtime = (await core.listNode()).items[0]?.status?.nodeInfo?.containerRuntimeVersion;
      expect(runtime).to.match(containerd.source === 'built' ? new RegExp(`^containerd://v?${containerd.version.slice(1).replaceAll('.', '\\.')}$`) : /^containerd:\/\/1\.6\./);
      await waitForDefaultServiceAccount(cluster.kubeConfig, 'default');
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'hello' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'r.deso.tech/library/alpine', command: ['/bin/sh', '-c', 'echo hello from kind'] }] } } });
      for (let i = 0; i < 300 && (await core.readNamespacedPod({ name: 'hello', namespace: 'default' })).status?.phase !== 'Succeeded'; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await core.readNamespacedPodLog({ name: 'hello', namespace: 'default' })).to.equal('hello from kind\n');
      // Any tag of a stand-in answers in the node too (its registry is the same server as local's).
      await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'tagged' }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox:1.28', command: ['printenv', 'HOSTNAME'] }] } } });
      for (let i = 0; i < 300 && (await core.readNamespacedPod({ name: 'tagged', namespace: 'default' })).status?.phase !== 'Succeeded'; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await core.readNamespacedPodLog({ name: 'tagged', namespace: 'default' })).to.equal('tagged\n');
      // exec and port-forward go apiserver → kubelet → containerd's streaming server.
      await kubectl('run', 'web', '--image=r.deso.tech/library/alpine', '--command', '--', 'sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www');
      await kubectl('wait', '--for=condition=Ready', 'pod/web', '--timeout=120s');
      expect((await kubectl('exec', 'web', '--', 'cat', '/www/index.html')).stdout).to.equal('hello-from-web');
      const forward = kubectl('port-forward', 'pod/web', ':8080');
      try {
        const local = await new Promise<string>((resolve) => forward.stdout?.on('data', (d: Buffer) => {
          const m = /Forwarding from (127\.0\.0\.1:\d+)/.exec(d.toString());
          if (m?.[1]) resolve(m[1]);
        }));
        expect((await execa('curl', ['-sS', '--max-time', '10', `http://${local}/`])).stdout.trim()).to.equal('hello-from-web');
      } finally {
        forward.kill();
        await forward.catch(() => undefined);
      }
      // Services and DNS: kube-proxy and CoreDNS run on the node (no images for kubeadm's addons).
      await kubectl('expose', 'pod', 'web', '--port=80', '--target-port=8080');
      await kubectl('run', 'client', '--image=r.deso.tech/library/alpine', '--command', '--', 'sleep', '3600');
      await kubectl('wait', '--for=condition=Ready', 'pod/client', '--timeout=120s');
      for (const url of ['http://web/', 'http://web.default.svc.cluster.local/']) {
        let out = '';
        for (let i = 0; i < 30 && out !== 'hello-from-web'; i++) {
          out = String((await kubectl('exec', 'client', '--', 'timeout', '5', 'wget', '-qO-', url).catch((e: { stderr: string }) => ({ stdout: e.stderr }))).stdout).trim();
          if (out !== 'hello-from-web') await new Promise((r) => setTimeout(r, 1_000));
        }
        expect(out, `wget ${url} from a pod`).to.equal('hello-from-web');
      }
      const outside = await kubectl('exec', 'client', '--', 'nslookup', 'example.com').catch((e: { stdout: string }) => e);
      expect(String(outside.stdout)).to.match(/NXDOMAIN/);
    } finally {
      await cluster.stop();
    }
    expect(await kindNodes(), 'kind nodes after stop').to.deep.equal([]);
  });

  it('leaves no container, volume or network once the run after a killed one has started', async () => {
    const volumesBefore = await docker('volume', 'ls', '-q');
    const networksBefore = await docker('network', 'ls', '-q');
    const script = `import { KindClusterProvider } from ${JSON.stringify(path.join(projectRoot, 'src/cluster-providers/kind/kind-cluster-provider.ts'))};
      await new KindClusterProvider().start({ log: () => {} }); console.log('READY'); setInterval(() => {}, 1000);`;
    const runner = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      runner.stdout.on('data', (d: Buffer) => { if (d.toString().includes('READY')) resolve(); });
      runner.once('exit', (code) => reject(new Error(`the runner exited early with ${code}`)));
    });
    runner.kill('SIGKILL');
    await new Promise((r) => runner.once('exit', r));
    const leaked = await kindNodes(runner.pid ?? -1);
    expect(leaked.length, 'a killed runner leaves its node behind (no Ryuk offline)').to.equal(1);
    // … and the folder of its admin kubeconfig (the dead cluster's keys), named after its pid.
    const kubeconfigFolders = async (): Promise<string[]> => (await readdir(os.tmpdir())).filter((name) => name.startsWith(`kind-${runner.pid}-`));
    expect(await kubeconfigFolders(), 'the killed runner\'s kubeconfig folder').to.have.length(1);

    const next = await new KindClusterProvider().start(quiet);
    try {
      expect(await kindNodes(), 'the new run\'s node').to.have.length(1);
      expect(await kindNodes(runner.pid ?? -1), 'the leaked node is gone').to.deep.equal([]);
      expect(await kubeconfigFolders(), 'the leaked kubeconfig folder is gone').to.deep.equal([]);
    } finally {
      await next.stop();
    }
    expect(await kindNodes()).to.deep.equal([]);
    expect(await docker('volume', 'ls', '-q')).to.deep.equal(volumesBefore);
    expect(await docker('network', 'ls', '-q')).to.deep.equal(networksBefore);
  });
});
