// The stand-in registry over real HTTPS on 127.0.0.1: basic auth, any tag of a known repository,
// the upstream registry told apart by containerd's ?ns=, blobs only of their own repository, and
// nothing written.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { expect } from 'chai';
import { putBlob, putImage } from '../../src/images/blob-store.ts';
import { createRegistryServer } from '../../src/images/registry-server.ts';
import { createPki } from '../../src/cluster-providers/local/pki.ts';

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

describe('stand-in registry server', function () {
  this.timeout(20_000);
  let dir: string;
  let server: https.Server;
  let port: number;
  let ca: Buffer;
  let nginx: string;
  let alpine: string;
  let layer: string;
  const auth = `Basic ${Buffer.from('lesson-harness:s3cret').toString('base64')}`;

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'registry-'));
    await mkdir(path.join(dir, 'pki'));
    const pki = await createPki(path.join(dir, 'pki'), [{ name: 'registry', commonName: 'registry', usage: 'server', altNames: ['IP:127.0.0.1'] }]);
    ca = await readFile(pki.caCert);
    const store = path.join(dir, 'store');
    const nginxLayer = await putBlob(store, 'nginx layer');
    layer = nginxLayer.digest;
    nginx = (await putImage(store, [nginxLayer], { cmd: ['nginx'] })).digest;
    alpine = (await putImage(store, [await putBlob(store, 'alpine layer')], { cmd: ['/bin/sh'] })).digest;
    await writeFile(path.join(dir, 'credentials'), 'lesson-harness:s3cret\n', { mode: 0o600 });
    server = createRegistryServer({
      log: () => undefined,
      host: '127.0.0.1', port: 0, cert: pki.cert('registry'), key: pki.key('registry'), credentialsFile: path.join(dir, 'credentials'), store,
      images: [
        { image: 'docker.io/library/nginx', tags: 'any', manifest: nginx },
        { image: 'r.deso.tech/library/alpine', tags: ['latest', '3.*'], manifest: alpine },
      ],
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const request = (method: string, url: string, authorization: string | null = auth): Promise<Reply> => new Promise((resolve, reject) => {
    const req = https.request({ host: '127.0.0.1', port, path: url, method, ca, headers: authorization ? { authorization } : {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });

  it('asks for basic auth, and refuses a wrong password', async () => {
    const anonymous = await request('GET', '/v2/', null);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers['www-authenticate']).to.equal('Basic realm="lesson-harness"');
    expect((await request('GET', '/v2/', `Basic ${Buffer.from('lesson-harness:wrong').toString('base64')}`)).status).to.equal(401);
    expect((await request('GET', '/v2/library/nginx/manifests/latest?ns=docker.io', null)).status).to.equal(401);
    expect((await request('GET', '/v2/')).status).to.equal(200);
  });

  it('answers any tag of a repository declared with tags: any, by tag and then by digest', async () => {
    for (const tag of ['latest', '1.14.2', '1.27-alpine']) {
      const head = await request('HEAD', `/v2/library/nginx/manifests/${tag}?ns=docker.io`);
      expect(head.status, tag).to.equal(200);
      expect(head.headers['docker-content-digest'], tag).to.equal(nginx);
      expect(head.headers['content-type']).to.equal('application/vnd.oci.image.manifest.v1+json');
    }
    const byDigest = await request('GET', `/v2/library/nginx/manifests/${nginx}?ns=docker.io`);
    expect(JSON.parse(byDigest.body).layers[0].digest).to.equal(layer);
  });

  it('tells registries apart by ?ns= and answers only the tags an entry lists', async () => {
    expect((await request('HEAD', '/v2/library/alpine/manifests/3.19?ns=r.deso.tech')).headers['docker-content-digest']).to.equal(alpine);
    const otherTag = await request('GET', '/v2/library/alpine/manifests/edge?ns=r.deso.tech');
    expect(otherTag.status).to.equal(404);
    expect(otherTag.body).to.match(/MANIFEST_UNKNOWN.*no stand-in for r\.deso\.tech\/library\/alpine:edge: add it to config\/images\.yaml/);
    expect((await request('HEAD', '/v2/library/alpine/manifests/latest?ns=docker.io')).status, 'docker.io has no alpine here').to.equal(404);
    expect((await request('HEAD', '/v2/library/nginx/manifests/latest')).status, 'no ns: docker.io').to.equal(200);
  });

  it('serves a blob only to the repository whose image holds it', async () => {
    const blob = await request('GET', `/v2/library/nginx/blobs/${layer}?ns=docker.io`);
    expect(blob.status).to.equal(200);
    expect(blob.body).to.equal('nginx layer');
    expect(blob.headers['docker-content-digest']).to.equal(layer);
    expect((await request('GET', `/v2/library/alpine/blobs/${layer}?ns=r.deso.tech`)).status).to.equal(404);
    expect((await request('GET', `/v2/library/nginx/manifests/${alpine}?ns=docker.io`)).status).to.equal(404);
  });

  it('is read-only and knows no other endpoint', async () => {
    expect((await request('PUT', '/v2/library/nginx/manifests/latest?ns=docker.io')).status).to.equal(405);
    expect((await request('POST', '/v2/library/nginx/blobs/uploads/')).status).to.equal(405);
    expect((await request('GET', '/v2/_catalog')).status).to.equal(404);
  });
});
