// The API server watch of the kind and kubeconfig providers, against a real HTTP server that
// answers /readyz as told: a fault after `failures` misses in a row, none before, none for a blip.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { expect } from 'chai';
import { ClusterFault, watchApiServer } from '../../src/cluster-providers/cluster-fault.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('watching the API server (/readyz)', () => {
  let status = 200;
  let looks = 0;
  const server = http.createServer((req, res) => {
    looks++;
    res.statusCode = req.url === '/readyz' ? status : 404;
    res.end();
  });
  const kubeConfig = new KubeConfig();
  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const server_ = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: server_, skipTLSVerify: true }], users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
    });
  });
  after(() => server.close());

  it('aborts with a ClusterFault naming kube-apiserver after three misses in a row, and not for one miss', async () => {
    const controller = new AbortController();
    status = 500;
    looks = 0;
    // Each look may take up to 1 s: npm test runs this beside a cluster start, and a look that
    // timed out would be named as such instead of "answered not ready".
    const stop = watchApiServer(kubeConfig, controller, { intervalMs: 40, timeoutMs: 1_000 });
    try {
      // One miss, then ready again: no fault.
      while (looks < 1) await sleep(5);
      status = 200;
      await sleep(200);
      expect(controller.signal.aborted, 'after one miss and ready again').to.equal(false);
      status = 503;
      for (let i = 0; i < 500 && !controller.signal.aborted; i++) await sleep(10);
      expect(controller.signal.reason).to.be.instanceOf(ClusterFault);
      expect((controller.signal.reason as ClusterFault).component).to.equal('kube-apiserver');
      expect((controller.signal.reason as Error).message).to.match(/^the cluster failed: kube-apiserver did not answer \/readyz 3 times in a row, 0.04 s apart \(last: \/readyz answered not ready\)/);
    } finally {
      stop();
    }
  });

  it('names the connection error when nothing answers', async () => {
    const gone = new KubeConfig();
    gone.loadFromOptions({ clusters: [{ name: 'c', server: 'http://127.0.0.1:1', skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const controller = new AbortController();
    const stop = watchApiServer(gone, controller, { intervalMs: 20, timeoutMs: 100 });
    try {
      for (let i = 0; i < 200 && !controller.signal.aborted; i++) await sleep(10);
      expect((controller.signal.reason as Error | undefined)?.message).to.match(/did not answer \/readyz 3 times in a row.*ECONNREFUSED|fetch failed/);
    } finally {
      stop();
    }
  });
});
