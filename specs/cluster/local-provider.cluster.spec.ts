// The embedded local cluster provider, for real: prerequisite errors, start, a pod and its logs,
// security properties, stop with zero leftovers, and clean-up after a killed run. It uses its own
// state directory and ports, so it can run next to a lesson cluster.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
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
import { defaults } from '../../src/config/defaults.ts';
import { singleKubernetesVersion } from '../../src/config/kubernetes-versions.ts';
import { inClusterNetns } from '../../src/cluster-providers/local/cluster-netns.ts';

// Beside the lesson cluster's own directory and ports (LESSON_HARNESS_LOCAL_DIR, _PORT_BASE), so
// that two checkouts on one host, each with its own settings, never share a provider-test cluster.
const stateDir = `${defaults.localStateDir}-provider-test`;
const portBase = defaults.portBase + 1000;
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
    const error = await checkCgroups(empty).then(() => undefined, (e: Error) => e).finally(() => rm(empty, { recursive: true }));
    expect(error?.message).to.match(/missing under .*: cpu, cpuacct, cpuset, memory, pids/);
  });
  it('names a taken port, its component and how to move the cluster', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(portBase + 2, '127.0.0.1', r));
    try {
      const error = await checkPorts(localLayout(stateDir, portBase).ports).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.match(new RegExp(`${portBase + 2} \\(apiserver\\)[\\s\\S]*LESSON_HARNESS_PORT_BASE`));
    } finally {
      blocker.close();
    }
  });
  it('refuses a state directory that teardown could not safely empty', () => {
    expect(() => checkStateDir(localLayout('/', portBase))).to.throw(/at least two levels deep/);
  });
  for (const [what, script] of [['Kubernetes', 'build-kubernetes.sh'], ['CoreDNS', 'build-coredns.sh']] as const) {
    it(`says Go is missing when ${what} must be built without it`, async () => {
      const cache = await mkdtemp(path.join(os.tmpdir(), 'no-build-'));
      const result = await execa('bash', [path.join(projectRoot, 'scripts', script)], {
        reject: false, env: { LESSON_HARNESS_CACHE: cache, PATH: '/usr/bin:/bin' }, extendEnv: false,
      }).finally(() => rm(cache, { recursive: true }));
      expect(result.exitCode).to.equal(1);
      expect(result.stderr).to.match(/Go is missing[\s\S]*Install Go/);
    });
  }
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

  it('reports the pinned Kubernetes version through the API, with a kubectl of the same version', async () => {
    // LESSON_HARNESS_KUBERNETES when set, else the default of config/kubernetes-versions.json.
    const pinned = singleKubernetesVersion();
    expect(provider.kubernetesVersion).to.equal(pinned);
    const { stdout } = await execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, 'version', '-o', 'json']);
    const versions = JSON.parse(stdout) as { serverVersion: { gitVersion: string }; clientVersion: { gitVersion: string } };
    expect(versions.serverVersion.gitVersion).to.equal(pinned);
    expect(versions.clientVersion.gitVersion).to.equal(pinned);
    expect(cluster.version).to.equal(pinned);
  });

  it('runs a pod from the alpine stand-in and returns its output through kubectl logs', async () => {
    const kubectl = (...args: string[]) => execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, ...args]);
    await kubectl('run', 'hello', '--image=r.deso.tech/library/alpine', '--restart=Never', '--command', '--', '/bin/sh', '-c', 'echo hello from $(shuf -i 7-7 -n 1)');
    await kubectl('wait', '--for=jsonpath={.status.phase}=Succeeded', 'pod/hello', '--timeout=60s');
    expect((await kubectl('logs', 'hello')).stdout).to.equal('hello from 7');
  });

  describe('what lessons assume of any cluster', function () {
    const namespace = `net-${Date.now().toString(36)}`;
    const kubectl = (...args: string[]) => execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, ...args]);
    // Run in the client pod; retried, because kube-proxy and CoreDNS follow a new Service within
    // a second or two. The last result is returned, so a failing assertion shows what the pod saw.
    const inClient = async (script: string, until: (out: string) => boolean = () => true): Promise<{ stdout: string; stderr: string; exitCode: number | undefined }> => {
      let last = { stdout: '', stderr: '', exitCode: undefined as number | undefined };
      for (let i = 0; i < 20; i++) {
        const r = await kubectl('exec', 'client', '--', 'sh', '-c', script).catch((e: { stdout: string; stderr: string; exitCode?: number }) => e);
        last = { stdout: String(r.stdout), stderr: String(r.stderr), exitCode: r.exitCode };
        if (last.exitCode === 0 && until(last.stdout)) break;
        await new Promise((r) => setTimeout(r, 1_000));
      }
      return last;
    };
    let clusterIp = '';

    before(async () => {
      await execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, 'create', 'namespace', namespace]);
      // A tiny web server (busybox httpd) and a client that stays up for exec.
      await kubectl('run', 'web', '--image=r.deso.tech/library/alpine', '--port=8080', '--command', '--',
        'sh', '-c', 'mkdir -p /www && echo hello-from-web > /www/index.html && exec httpd -f -p 8080 -h /www');
      await kubectl('run', 'client', '--image=r.deso.tech/library/alpine', '--command', '--', 'sleep', '3600');
      await kubectl('expose', 'pod', 'web', '--name=web', '--port=80', '--target-port=8080');
      await kubectl('wait', '--for=condition=Ready', 'pod/web', 'pod/client', '--timeout=90s');
      clusterIp = (await kubectl('get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
    });

    it('kubectl exec prints the container\'s output', async () => {
      const { stdout } = await kubectl('exec', 'web', '--', 'cat', '/www/index.html');
      expect(stdout).to.equal('hello-from-web');
    });

    it('kubectl run -i attaches to the container, stdin and stdout', async () => {
      const { stdout } = await execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace,
        'run', 'attached', '--image=r.deso.tech/library/alpine', '--restart=Never', '-i', '--rm', '--quiet', '--command', '--', 'sh', '-c', 'read line; echo "got $line"'],
      { input: 'hello\n' }).catch((e: { stdout: string; stderr: string }) => ({ stdout: `${e.stdout} ${e.stderr}` }));
      expect(stdout).to.equal('got hello');
    });

    it('kubectl port-forward serves a pod\'s port on 127.0.0.1', async () => {
      const forward = execa(path.join(cluster.kubectlDir, 'kubectl'), ['--kubeconfig', cluster.kubeconfigPath, '-n', namespace, 'port-forward', 'pod/web', ':8080'], { reject: false });
      try {
        const local = await new Promise<string>((resolve, reject) => {
          forward.stdout?.on('data', (d: Buffer) => {
            const m = /Forwarding from (127\.0\.0\.1:\d+) -> 8080/.exec(d.toString());
            if (m?.[1]) resolve(m[1]);
          });
          void forward.then((r) => reject(new Error(`kubectl port-forward ended: ${String(r.stderr)}`)));
        });
        const { stdout } = await execa('curl', ['-sS', '--max-time', '10', `http://${local}/`]);
        expect(stdout.trim()).to.equal('hello-from-web');
      } finally {
        forward.kill();
      }
    });

    it('kubectl cp copies a file into a pod and back unchanged', async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'kubectl-cp-'));
      try {
        const content = `round trip ${Math.random()}\n`.repeat(100);
        await writeFile(path.join(dir, 'in.txt'), content);
        await kubectl('cp', path.join(dir, 'in.txt'), `${namespace}/client:/tmp/copied.txt`);
        expect((await kubectl('exec', 'client', '--', 'wc', '-c', '/tmp/copied.txt')).stdout).to.match(new RegExp(`^${content.length} `));
        await kubectl('cp', `${namespace}/client:/tmp/copied.txt`, path.join(dir, 'out.txt'));
        expect(await readFile(path.join(dir, 'out.txt'), 'utf8')).to.equal(content);
      } finally {
        await rm(dir, { recursive: true });
      }
    });

    it('a pod reaches another pod by its IP (even where Docker set FORWARD to DROP)', async () => {
      const podIp = (await kubectl('get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}')).stdout;
      const r = await inClient(`timeout 5 wget -qO- http://${podIp}:8080/`, (out) => out.includes('hello-from-web'));
      expect(r.stdout.trim(), `wget http://${podIp}:8080/ from a pod: ${r.stderr}`).to.equal('hello-from-web');
    });

    it('a pod reaches a Service by its ClusterIP (kube-proxy)', async () => {
      expect(clusterIp).to.match(/^10\.0\.0\.\d+$/);
      const r = await inClient(`timeout 5 wget -qO- http://${clusterIp}/`, (out) => out.includes('hello-from-web'));
      expect(r.stdout.trim(), `wget http://${clusterIp}/ from a pod: ${r.stderr}`).to.equal('hello-from-web');
    });

    it('a pod reaches a Service by its DNS names (CoreDNS)', async () => {
      for (const name of ['web', `web.${namespace}`, `web.${namespace}.svc.cluster.local`]) {
        const r = await inClient(`timeout 5 wget -qO- http://${name}/`, (out) => out.includes('hello-from-web'));
        expect(r.stdout.trim(), `wget http://${name}/ from a pod: ${r.stderr}`).to.equal('hello-from-web');
      }
      const lookup = await inClient(`nslookup web.${namespace}.svc.cluster.local`);
      expect(lookup.stdout, `nslookup: ${lookup.stderr}`).to.match(new RegExp(`Name:\\s+web\\.${namespace}\\.svc\\.cluster\\.local\\s+Address:\\s+${clusterIp.replaceAll('.', '\\.')}`));
      const resolvConf = await inClient('cat /etc/resolv.conf');
      expect(resolvConf.stdout).to.match(/^nameserver 10\.0\.0\.10$/m).and.to.match(new RegExp(`^search ${namespace}\\.svc\\.cluster\\.local svc\\.cluster\\.local cluster\\.local`, 'm'));
    });

    it('answers names outside the cluster at once, with NXDOMAIN (there is no upstream)', async () => {
      const began = Date.now();
      const r = await kubectl('exec', 'client', '--', 'nslookup', 'example.com').catch((e: { stdout: string; exitCode: number }) => e);
      expect(Date.now() - began, 'nslookup example.com took').to.be.lessThan(5_000);
      expect(r.exitCode).to.equal(1);
      expect(String(r.stdout)).to.match(/NXDOMAIN/);
    });

    it('gives pods no MissingClusterDNS warning', async () => {
      const { stdout } = await kubectl('get', 'events', '--field-selector=reason=MissingClusterDNS', '-o', 'name');
      expect(stdout).to.equal('');
    });

    it('serves a NodePort on the bridge\'s gateway address, in the cluster\'s network namespace', async () => {
      await kubectl('expose', 'pod', 'web', '--name=web-nodeport', '--type=NodePort', '--port=80', '--target-port=8080');
      const nodePort = (await kubectl('get', 'service', 'web-nodeport', '-o', 'jsonpath={.spec.ports[0].nodePort}')).stdout;
      let out = '';
      for (let i = 0; i < 20 && out !== 'hello-from-web'; i++) {
        const curl = inClusterNetns(cluster.layout, 'curl', ['-sS', '--max-time', '3', `http://${cluster.layout.cni.gateway}:${nodePort}/`]);
        out = (await execa(curl.file, curl.args, { reject: false })).stdout.trim();
        if (out !== 'hello-from-web') await new Promise((r) => setTimeout(r, 1_000));
      }
      expect(out, `curl http://${cluster.layout.cni.gateway}:${nodePort}/ in the cluster's namespace`).to.equal('hello-from-web');
    });

    it('keeps kube-proxy\'s and the kubelet\'s chains in its own network namespace, none in the host\'s (so two clusters never share them)', async () => {
      const inside = inClusterNetns(cluster.layout, 'iptables-save', ['-t', 'nat']);
      expect((await execa(inside.file, inside.args)).stdout).to.match(/^:KUBE-SERVICES /m);
      // Nor any other KUBE-* chain (the kubelet's KUBE-FIREWALL, KUBE-KUBELET-CANARY …), in either family.
      for (const tool of ['iptables-save', 'ip6tables-save']) {
        const host = (await execa(tool)).stdout.split('\n').filter((line) => /^:KUBE-/.test(line));
        expect(host, `KUBE-* chains in the host's ${tool}`).to.deep.equal([]);
      }
    });
  });

  it('keeps keys and kubeconfigs private (0600)', async () => {
    const files = [cluster.kubeconfigPath, ...(await readdir(cluster.layout.pki)).filter((f) => f.endsWith('.key')).map((f) => path.join(cluster.layout.pki, f))];
    expect(files.length).to.be.greaterThan(8);
    for (const file of files) expect(((await stat(file)).mode & 0o777).toString(8), file).to.equal('600');
  });

  it('listens on the host only at the API server\'s port on 127.0.0.1; inside its namespace on 127.0.0.1 only (cluster DNS on the bridge\'s gateway); TLS refuses anonymous requests', async () => {
    const pids = new Set((await clusterProcesses(cluster.layout)).map((p) => p.pid));
    const listening = async (file: string, args: string[]): Promise<string[]> =>
      (await execa(file, args)).stdout.split('\n').filter((line) => [...line.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1]))));
    const onHost = await listening('ss', ['-Hltunp']);
    expect(onHost.map((line) => `${line.split(/\s+/)[4]} ${/"([^"]+)"/.exec(line)?.[1]}`), 'the cluster\'s listening sockets in the host\'s namespace')
      .to.deep.equal([`127.0.0.1:${cluster.layout.ports.apiserver} socat`]);
    const ss = inClusterNetns(cluster.layout, 'ss', ['-Hltunp']);
    const ours = await listening(ss.file, ss.args);
    expect(ours.length, 'listening sockets of the cluster in its namespace').to.be.greaterThan(5);
    // The one exception: pods must reach DNS, and the gateway address is the narrowest they can.
    const dns = `${cluster.layout.cni.gateway}:53`;
    const exceptions = ours.filter((line) => line.split(/\s+/)[4] === dns);
    expect(exceptions.map((line) => `${line.split(/\s+/)[0]} ${/"([^"]+)"/.exec(line)?.[1]}`).sort()).to.deep.equal(['tcp coredns', 'udp coredns']);
    for (const line of ours.filter((l) => !exceptions.includes(l))) expect(line.split(/\s+/)[4], line).to.match(/^127\.0\.0\.1:/);
    const status = async (url: string, inside = false): Promise<string> => {
      const curl = inside ? inClusterNetns(cluster.layout, 'curl', ['-sk', '-o', '/dev/null', '-w', '%{http_code}', url]) : { file: 'curl', args: ['-sk', '-o', '/dev/null', '-w', '%{http_code}', url] };
      return String((await execa(curl.file, curl.args, { reject: false })).stdout);
    };
    expect(await status(`https://127.0.0.1:${cluster.layout.ports.apiserver}/api/v1/pods`), 'API server without credentials').to.equal('401');
    expect(await status(`https://127.0.0.1:${cluster.layout.ports.kubelet}/pods`, true), 'kubelet without credentials').to.equal('401');
    expect(await status(`https://127.0.0.1:${cluster.layout.ports.registry}/v2/library/busybox/manifests/latest?ns=docker.io`, true), 'image registry without credentials').to.equal('401');
  });

  // A suite of its own: mocha runs a suite's tests before its child suites, and this one goes last.
  describe('stop', function () {
    it('stops everything and leaves nothing behind (its network namespace, with the bridge and kube-proxy\'s chains, included)', async () => {
      await cluster.stop();
      expect(await listLeftovers(cluster.layout)).to.deep.equal([]);
    });
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
