// A read-only OCI distribution server for the stand-in images: HTTPS on 127.0.0.1, basic auth,
// and any tag of a known repository answers with its stand-in (standInFor), which a registry
// we push to cannot do (docker-registry only knows the tags pushed to it). It serves blobs
// straight from the build cache's blob store.
//
// Run as `node registry-server.ts <config.json>`. Dependency-free and erasable TypeScript, so
// plain Node runs it (type stripping) in the local cluster and inside the kind node alike.
//
// containerd reaches it as a mirror (hosts.toml) and then adds `?ns=<upstream registry>` to
// every request, which tells docker.io/library/alpine from r.deso.tech/library/alpine.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseImageReference, standInFor, type TagMatcher } from './image-reference.ts';

export interface RegistryServerConfig {
  host: string;
  port: number;
  cert: string;
  key: string;
  /** a file holding `user:password` (0600), so the password is not on a command line */
  credentialsFile: string;
  /** the blob store: blobs/sha256/<hex> */
  store: string;
  images: (TagMatcher & { manifest: string })[];
  /** one line per request (default: stdout, which the cluster keeps in logs/registry.log) */
  log?: (line: string) => void;
}

interface Known extends TagMatcher {
  manifest: string;
  blobs: Set<string>;
}

/** This file, for the command line that runs it (`node <path> <config.json>`). */
export const registryServerPath = fileURLToPath(import.meta.url);

/**
 * Node's arguments to run this file: Node strips its types itself, except below node_modules (an
 * installed lesson-harness, ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING), where tsx, which the
 * CLI runs on too, loads it.
 */
export function registryServerArgs(configFile: string): string[] {
  const installed = registryServerPath.split(path.sep).includes('node_modules');
  return [...(installed ? ['--import', import.meta.resolve('tsx')] : []), registryServerPath, configFile];
}

const manifestType = 'application/vnd.oci.image.manifest.v1+json';

export function createRegistryServer(config: RegistryServerConfig): https.Server {
  const blobFile = (digest: string): string => path.join(config.store, 'blobs', 'sha256', digest.slice('sha256:'.length));
  const known: Known[] = config.images.map((img) => {
    const manifest = JSON.parse(readFileSync(blobFile(img.manifest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    return { ...img, blobs: new Set([img.manifest, manifest.config.digest, ...manifest.layers.map((l) => l.digest)]) };
  });
  const expected = createHash('sha256').update(`Basic ${Buffer.from(readFileSync(config.credentialsFile, 'utf8').trim()).toString('base64')}`).digest();
  const authorized = (req: IncomingMessage): boolean =>
    timingSafeEqual(createHash('sha256').update(req.headers.authorization ?? '').digest(), expected);

  const send = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void => {
    const body = JSON.stringify({ errors: [{ code, message }] });
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): string => {
    res.setHeader('Docker-Distribution-API-Version', 'registry/2.0');
    const url = new URL(req.url ?? '/', 'https://registry');
    if (!authorized(req)) {
      send(res, 401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="lesson-harness"' });
      return 'unauthorized';
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'UNSUPPORTED', 'this registry is read-only');
      return 'read-only';
    }
    if (url.pathname === '/v2/' || url.pathname === '/v2') {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': 2 });
      res.end(req.method === 'HEAD' ? undefined : '{}');
      return 'ok';
    }
    const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    if (!m) {
      send(res, 404, 'NOT_FOUND', `no such endpoint: ${url.pathname}`);
      return 'no such endpoint';
    }
    const [, name = '', kind, reference = ''] = m;
    const registry = url.searchParams.get('ns') ?? 'docker.io';
    const ofRepository = known.filter((k) => {
      const own = parseImageReference(k.image);
      return own?.registry === registry && own.repository === name;
    });
    let digest: string | undefined;
    if (kind === 'manifests') {
      digest = reference.startsWith('sha256:')
        ? ofRepository.find((k) => k.manifest === reference)?.manifest
        : standInFor(`${registry}/${name}:${reference}`, known)?.manifest;
      if (!digest) {
        send(res, 404, 'MANIFEST_UNKNOWN', `no stand-in for ${registry}/${name}:${reference}: add it to config/images.yaml`);
        return 'no stand-in';
      }
    } else {
      digest = ofRepository.some((k) => k.blobs.has(reference)) ? reference : undefined;
      if (!digest) {
        send(res, 404, 'BLOB_UNKNOWN', `blob ${reference} is not part of ${registry}/${name}`);
        return 'unknown blob';
      }
    }
    const file = blobFile(digest);
    const size = statSync(file).size;
    res.writeHead(200, {
      'Content-Type': kind === 'manifests' ? manifestType : 'application/octet-stream', 'Content-Length': size, 'Docker-Content-Digest': digest,
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
    return digest;
  };

  return https.createServer({ cert: readFileSync(config.cert), key: readFileSync(config.key) }, (req, res) => {
    let outcome: string;
    try {
      outcome = handle(req, res);
    } catch (error) {
      outcome = `error: ${(error as Error).message}`;
      if (!res.headersSent) send(res, 500, 'UNKNOWN', (error as Error).message);
    }
    // One line per request: which name was asked for and what answered (the cluster's logs keep it).
    (config.log ?? console.log)(`${new Date().toISOString()} ${req.method} ${req.url} ${res.statusCode} ${outcome}`);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === registryServerPath) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node registry-server.ts <config.json>');
    process.exit(2);
  }
  const config = JSON.parse(readFileSync(file, 'utf8')) as RegistryServerConfig;
  const server = createRegistryServer(config);
  server.listen(config.port, config.host, () => console.log(`serving ${config.images.length} stand-in images on https://${config.host}:${config.port}`));
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
}
