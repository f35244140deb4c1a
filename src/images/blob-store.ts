// A content-addressed store of OCI blobs (layers, configs, manifests) in the cache directory:
// blobs/sha256/<hex>, the layout of an OCI image layout's blobs. The registry server serves
// straight from it, so a built layer is never copied or pushed anywhere.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

export interface Descriptor {
  digest: string;
  size: number;
}

export const blobPath = (store: string, digest: string): string => path.join(store, 'blobs', 'sha256', digest.replace(/^sha256:/, ''));

/** Writes JSON whole or not at all: a cluster starting beside us may read it at any moment. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, JSON.stringify(value));
  await rename(tmp, file);
}

export async function putBlob(store: string, data: string | Buffer): Promise<Descriptor> {
  const hex = createHash('sha256').update(data).digest('hex');
  const file = blobPath(store, hex);
  await mkdir(path.dirname(file), { recursive: true });
  // An existing blob of the right size is this blob (its name is its digest); anything else, say
  // a write cut short by a killed run, is written again.
  if ((await stat(file).then((st) => st.size, () => -1)) !== Buffer.byteLength(data)) {
    // A unique temporary name: two images with the same config write the same blob at once.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    await writeFile(tmp, data);
    await rename(tmp, file);
  }
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

/**
 * An uncompressed tar layer of `dir`, reproducible (sorted names, time 0, numeric owners kept:
 * /var/lib/nginx belongs to www-data). Uncompressed: the registry is local, so gzip would only
 * cost CPU on both sides.
 */
export async function putLayer(store: string, dir: string): Promise<Descriptor> {
  const tmp = path.join(store, 'blobs', `layer-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.tar`);
  await mkdir(path.dirname(tmp), { recursive: true });
  try {
    await execa('tar', ['--sort=name', '--numeric-owner', '--mtime=@0', '-C', dir, '-cf', tmp, '.']);
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(tmp)) hash.update(chunk as Buffer);
    const hex = hash.digest('hex');
    const { size } = await stat(tmp);
    await mkdir(path.dirname(blobPath(store, hex)), { recursive: true });
    await rename(tmp, blobPath(store, hex));
    return { digest: `sha256:${hex}`, size };
  } finally {
    await rm(tmp, { force: true });
  }
}

export interface ImageConfig {
  entrypoint?: string[] | undefined;
  cmd?: string[] | undefined;
  env?: string[] | undefined;
  workdir?: string | undefined;
  expose?: number[] | undefined;
  stopSignal?: string | undefined;
}

export const defaultPath = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Writes the image config and manifest for these layers (bottom first); returns the manifest. */
export async function putImage(store: string, layers: Descriptor[], config: ImageConfig): Promise<Descriptor> {
  const env = config.env ?? [];
  const configBlob = await putBlob(store, JSON.stringify({
    architecture: 'amd64', os: 'linux',
    config: {
      Env: env.some((e) => e.startsWith('PATH=')) ? env : [defaultPath, ...env],
      Entrypoint: config.entrypoint, Cmd: config.cmd, WorkingDir: config.workdir ?? '/',
      ExposedPorts: config.expose ? Object.fromEntries(config.expose.map((p) => [`${p}/tcp`, {}])) : undefined,
      StopSignal: config.stopSignal,
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  }));
  return putBlob(store, JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
  }));
}
