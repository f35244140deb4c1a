// The stand-in images for real, on the local provider: one pod per image the lessons commonly
// name (under the tags they use), each running the real program, plus a name without a stand-in.
// It uses the cluster of LESSON_HARNESS_LOCAL_DIR / LESSON_HARNESS_PORT_BASE and the stand-ins of
// LESSON_HARNESS_CACHE (built on the first run).
import { CoreV1Api, type V1Container, type V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { LocalClusterProvider, type StartedLocalCluster } from '../../src/cluster-providers/local/local-cluster-provider.ts';
import { loadImagesConfig } from '../../src/images/images-config.ts';
import { standInFor } from '../../src/images/image-reference.ts';
import { createNamespace } from '../../src/kube/namespace.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('stand-in images on the local cluster', function () {
  // A cold cache builds every stand-in first (about half a minute) before the cluster starts.
  this.timeout(300_000);
  let cluster: StartedLocalCluster;
  let core: CoreV1Api;
  let namespace: string;

  before(async () => {
    cluster = (await new LocalClusterProvider().start({ log: () => undefined })) as StartedLocalCluster;
    core = cluster.kubeConfig.makeApiClient(CoreV1Api);
    namespace = await createNamespace(cluster.kubeConfig, 'stand-ins');
  });
  after(async () => {
    await cluster?.stop();
  });

  const run = async (name: string, container: Omit<V1Container, 'name'>): Promise<void> => {
    await core.createNamespacedPod({ namespace, body: { metadata: { name }, spec: { restartPolicy: 'Never', automountServiceAccountToken: false, containers: [{ name, ...container }] } } });
  };
  /** Waits for a phase and says, on failure, where the pod was instead. */
  const phase = async (name: string, wanted: string[], timeoutMs = 120_000): Promise<V1Pod> => {
    const deadline = Date.now() + timeoutMs;
    let pod: V1Pod | undefined;
    while (Date.now() < deadline) {
      pod = await core.readNamespacedPod({ name, namespace });
      if (wanted.includes(pod.status?.phase ?? '')) return pod;
      if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') break;
      await sleep(250);
    }
    const logs = await core.readNamespacedPodLog({ name, namespace, tailLines: 5 }).catch(() => '(no logs)');
    throw new Error(`pod ${name}: expected phase ${wanted.join(' or ')}, last seen ${pod?.status?.phase} ${JSON.stringify(pod?.status?.containerStatuses?.[0]?.state)}\n  last log lines:\n${logs}`);
  };
  const output = async (name: string): Promise<string> => {
    await phase(name, ['Succeeded']);
    return core.readNamespacedPodLog({ name, namespace });
  };

  it('nginx:1.14.2 serves "Welcome to nginx!" on port 80 to busybox:1.28 wget (pulled with Always), and logs the request to stdout', async () => {
    await run('nginx', { image: 'nginx:1.14.2', ports: [{ containerPort: 80 }] });
    const ip = (await phase('nginx', ['Running'])).status?.podIP;
    expect(ip, 'nginx pod IP').to.match(/^\d+\.\d+\.\d+\.\d+$/);
    await run('wget', {
      image: 'busybox:1.28', imagePullPolicy: 'Always',
      // nginx may still be opening its socket just after Running: retry briefly.
      command: ['sh', '-c', `for i in $(seq 1 50); do wget -qO- http://${ip}/ && exit 0; sleep 0.2; done; exit 1`],
    });
    expect(await output('wget')).to.contain('<h1>Welcome to nginx!</h1>');
    expect(await core.readNamespacedPodLog({ name: 'nginx', namespace })).to.match(/"GET \/ HTTP\/1\.1" 200 \d+ "-" "Wget"/);
  });

  it('busybox has every applet lessons use, printenv included', async () => {
    await run('busybox', {
      image: 'busybox', env: [{ name: 'GREETING', value: 'hello from env' }],
      command: ['sh', '-c', 'for a in printenv hostname wget nslookup nc ps top env shuf sleep; do command -v $a >/dev/null || echo "missing $a"; done; printenv GREETING; printenv NOT_SET || echo unset; test "$(hostname)" = busybox && echo hostname-ok; ps -o comm | grep -cx ps'],
    });
    expect(await output('busybox')).to.equal('hello from env\nunset\nhostname-ok\n1\n');
  });

  it('alpine:3.19 is a busybox shell without apk', async () => {
    await run('alpine', { image: 'alpine:3.19', command: ['/bin/sh', '-c', 'echo "$(shuf -i 4-4 -n 1) $(seq 3 | wc -l)"; apk add curl 2>/dev/null || echo "no apk ($?)"'] });
    expect(await output('alpine')).to.equal('4 3\nno apk (127)\n');
  });

  const userland = 'echo "bash ${BASH_VERSINFO[0]}"; ls --version | head -1; echo a,b | awk -F, \'{print $2}\'; echo x1y | sed s/1/-/; ps -o comm= -p "$BASHPID"; '
    + 'id -un 33; id -un 65534; stat -c %a /tmp; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping-ok; curl --version | cut -d" " -f1 | head -1; '
    + 'nslookup -version 2>&1 | cut -d" " -f1; find /etc/ssl/certs -name ca-certificates.crt';
  const userlandOutput = 'bash 5\nls (GNU coreutils) 9.1\nb\nx-y\nbash\nwww-data\nnobody\n1777\nping-ok\ncurl\nnslookup\n/etc/ssl/certs/ca-certificates.crt\n';
  for (const image of ['debian:bookworm', 'ubuntu:22.04', 'bash:5']) {
    it(`${image} runs bash with the Debian userland (coreutils, awk, procps, ping, curl, nslookup, users, /tmp 1777)`, async () => {
      const name = image.replace(/[:.]/g, '-');
      await run(name, { image, command: ['bash', '-c', userland] });
      expect(await output(name)).to.equal(userlandOutput);
    });
  }

  it('centos:7 runs the countdown\'s bin/bash loop', async () => {
    await run('centos', { image: 'centos:7', command: ['bin/bash', '-c', 'for i in 3 2 1; do echo $i; done'] });
    expect(await output('centos')).to.equal('3\n2\n1\n');
  });

  it('perl:5.34.0 runs the Kubernetes docs\' pi Job command: 2000 digits of pi', async () => {
    await run('pi', { image: 'perl:5.34.0', command: ['perl', '-Mbignum=bpi', '-wle', 'print bpi(2000)'] });
    const pi = (await output('pi')).trim();
    expect(pi.slice(0, 52)).to.equal('3.14159265358979323846264338327950288419716939937510');
    expect(pi, 'digits').to.match(/^3\.\d{1999}$/);
  });

  it('python:3.12-slim runs python3 and python with the standard library', async () => {
    await run('python', { image: 'python:3.12-slim', command: ['sh', '-c', 'python3 -c "print(6 * 7)" && python -c "import json, sqlite3, ssl; print(json.dumps({\'ok\': True}))"'] });
    expect(await output('python')).to.equal('42\n{"ok": true}\n');
  });

  it('an image without a stand-in fails to pull, and standInFor says so', async () => {
    expect(standInFor('redis:7', (await loadImagesConfig()).images)).to.equal(undefined);
    await run('redis', { image: 'redis:7', command: ['redis-server'] });
    let reason: string | undefined;
    for (let i = 0; i < 240 && !reason; i++) {
      const pod = await core.readNamespacedPod({ name: 'redis', namespace });
      reason = pod.status?.containerStatuses?.[0]?.state?.waiting?.reason?.match(/ErrImagePull|ImagePullBackOff/)?.[0];
      await sleep(250);
    }
    expect(reason, 'waiting reason of redis:7').to.match(/ErrImagePull|ImagePullBackOff/);
  });
});
