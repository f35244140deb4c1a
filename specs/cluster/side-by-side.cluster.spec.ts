// Two local clusters on one host at once, each in its own network namespace: the same Service in
// the same namespace in both (so kube-proxy's chain names are the same), each answering with its
// own pod, and one cluster's stop leaving the other's Services working. Before the namespaces,
// kube-proxy's host-wide KUBE-* chains made the second cluster's rules replace the first's, and a
// teardown delete the other cluster's chains.
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { LocalClusterProvider, type StartedLocalCluster } from '../../src/cluster-providers/local/local-cluster-provider.ts';
import { inClusterNetns } from '../../src/cluster-providers/local/cluster-netns.ts';
import { listLeftovers } from '../../src/cluster-providers/local/teardown.ts';
import { defaults } from '../../src/config/defaults.ts';

const quiet = { log: () => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('local clusters side by side', function () {
  // Two starts at once on a busy 2-core machine, and a pod each.
  this.timeout(300_000);
  const providers = { a: new LocalClusterProvider({ stateDir: `${defaults.localStateDir}-side-a`, portBase: defaults.portBase + 1100 }),
    b: new LocalClusterProvider({ stateDir: `${defaults.localStateDir}-side-b`, portBase: defaults.portBase + 1200 }) };
  const clusters: Partial<Record<'a' | 'b', StartedLocalCluster>> = {};
  const clusterIps: Partial<Record<'a' | 'b', string>> = {};

  const kubectl = (c: StartedLocalCluster, ...args: string[]) => execa(path.join(c.kubectlDir, 'kubectl'), ['--kubeconfig', c.kubeconfigPath, ...args]);
  /** What the Service answers from inside the cluster's namespace (kube-proxy's OUTPUT rules), retried for `tries` seconds. */
  const serviceAnswer = async (name: 'a' | 'b', want: string, tries: number): Promise<string> => {
    const c = clusters[name] as StartedLocalCluster;
    let last = '';
    for (let i = 0; i < tries && last !== want; i++) {
      if (i > 0) await sleep(1_000);
      const curl = inClusterNetns(c.layout, 'curl', ['-sS', '--max-time', '2', `http://${clusterIps[name]}/`]);
      const r = await execa(curl.file, curl.args, { reject: false });
      last = r.exitCode === 0 ? String(r.stdout).trim() : `curl failed: ${String(r.stderr).trim()}`;
    }
    return last;
  };

  before(async () => {
    await Promise.all((['a', 'b'] as const).map(async (name) => {
      const c = (await providers[name].start(quiet)) as StartedLocalCluster;
      clusters[name] = c;
      await kubectl(c, 'create', 'namespace', 'same');
      await kubectl(c, '-n', 'same', 'run', 'web', '--image=r.deso.tech/library/alpine', '--port=8080', '--command', '--',
        'sh', '-c', `mkdir -p /www && echo from-${name} > /www/index.html && exec httpd -f -p 8080 -h /www`);
      await kubectl(c, '-n', 'same', 'expose', 'pod', 'web', '--name=web', '--port=80', '--target-port=8080');
      await kubectl(c, '-n', 'same', 'wait', '--for=condition=Ready', 'pod/web', '--timeout=120s');
      clusterIps[name] = (await kubectl(c, '-n', 'same', 'get', 'service', 'web', '-o', 'jsonpath={.spec.clusterIP}')).stdout;
    }));
  });
  after(async () => {
    await Promise.all(Object.values(clusters).map((c) => c.stop()));
  });

  it('run at once, each with its own network namespace and API port', () => {
    const [a, b] = [clusters.a as StartedLocalCluster, clusters.b as StartedLocalCluster];
    expect(a.layout.netns.name).to.not.equal(b.layout.netns.name);
    expect(a.layout.ports.apiserver).to.not.equal(b.layout.ports.apiserver);
  });

  it('the same Service in the same namespace answers from its own cluster\'s pod in each', async () => {
    expect(await serviceAnswer('a', 'from-a', 20), `cluster a, Service same/web at ${clusterIps.a}`).to.equal('from-a');
    expect(await serviceAnswer('b', 'from-b', 20), `cluster b, Service same/web at ${clusterIps.b}`).to.equal('from-b');
  });

  it('one cluster\'s stop leaves nothing of it and the other\'s Services working', async () => {
    await (clusters.a as StartedLocalCluster).stop();
    expect(await listLeftovers(providers.a.layout)).to.deep.equal([]);
    // At once (2 tries): before the namespaces, the stop deleted chains this kube-proxy had to rewrite.
    expect(await serviceAnswer('b', 'from-b', 2), 'cluster b\'s Service right after cluster a stopped').to.equal('from-b');
    await (clusters.b as StartedLocalCluster).stop();
    expect(await listLeftovers(providers.b.layout)).to.deep.equal([]);
  });
});
