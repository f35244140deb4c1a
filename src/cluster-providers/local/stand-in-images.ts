// Builds the stand-in images of config/images.yaml as OCI layouts from host files, and pushes
// them to the local registry under their original names (see that file for why).
import { createHash } from 'node:crypto';
import { copyFile, mkdir, readFile, rm, stat, symlink, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import YAML from 'yaml';
import { projectRoot } from '../../config/project-root.ts';
import { HarnessError } from '../../errors/harness-error.ts';

export interface StandInImage {
  image: string;
  why: string;
  files?: Record<string, string>;
  busybox?: string[];
  compile?: { source: string; to: string };
  entrypoint?: string[];
  cmd?: string[];
}

export const imagesConfigPath = path.join(projectRoot, 'config', 'images.yaml');

export async function loadStandInImages(file = imagesConfigPath): Promise<StandInImage[]> {
  const parsed = YAML.parse(await readFile(file, 'utf8')) as { images?: StandInImage[] };
  const images = parsed.images ?? [];
  for (const [i, img] of images.entries()) {
    if (!img.image || !/^[a-z0-9.-]+(:\d+)?\/.+:[\w.-]+$/.test(img.image)) {
      throw new HarnessError(`${file}: images[${i}].image must be a full reference like docker.io/library/centos:7, got \`${img.image}\``, {
        fix: 'write the registry host, the repository and the tag',
      });
    }
  }
  return images;
}

/** "docker.io/library/centos:7" → { registry: "docker.io", repository: "library/centos", tag: "7" } */
export function splitReference(ref: string): { registry: string; repository: string; tag: string } {
  const slash = ref.indexOf('/');
  const colon = ref.lastIndexOf(':');
  return { registry: ref.slice(0, slash), repository: ref.slice(slash + 1, colon), tag: ref.slice(colon + 1) };
}

export function describeStandIns(images: StandInImage[]): string {
  return images.map((img) => `    ${img.image.padEnd(38)} ← ${img.why}`).join('\n');
}

const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');

async function blob(layout: string, data: Buffer | string): Promise<{ digest: string; size: number }> {
  const hex = sha256(data);
  await writeFile(path.join(layout, 'blobs', 'sha256', hex), data);
  return { digest: `sha256:${hex}`, size: Buffer.byteLength(data) };
}

/**
 * Writes an OCI image layout (tag `stand-in`) with one uncompressed layer per directory, in order.
 * Layers are reproducible (fixed order, owner and time): the same files give the same digest, so
 * images that share a layer (the Kubernetes binary of the kind node's images) store it once.
 */
export async function writeOciImage(layout: string, layerDirs: string[], config: { entrypoint?: string[]; cmd?: string[]; env?: string[] }): Promise<void> {
  await mkdir(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  const layers: { digest: string; size: number }[] = [];
  for (const dir of layerDirs) {
    const tar = await execa('tar', ['--sort=name', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', dir, '-cf', '-', '.'], { encoding: 'buffer', maxBuffer: 1 << 30 });
    layers.push(await blob(layout, Buffer.from(tar.stdout)));
  }
  const configBlob = await blob(layout, JSON.stringify({
    architecture: 'amd64', os: 'linux',
    config: { Env: config.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Entrypoint: config.entrypoint, Cmd: config.cmd, WorkingDir: '/' },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  }));
  const manifest = await blob(layout, JSON.stringify({
    schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...l })),
  }));
  await writeFile(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(path.join(layout, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifest, annotations: { 'org.opencontainers.image.ref.name': 'stand-in' } }],
  }));
}

/** Builds one image as an OCI image layout directory; returns the directory. */
export async function buildImage(img: StandInImage, workDir: string): Promise<string> {
  const name = img.image.replace(/[^a-z0-9]+/gi, '_');
  const rootfs = path.join(workDir, `${name}.rootfs`);
  const layout = path.join(workDir, `${name}.oci`);
  await rm(rootfs, { recursive: true, force: true });
  await rm(layout, { recursive: true, force: true });
  await mkdir(path.join(rootfs, 'bin'), { recursive: true });
  await mkdir(path.join(rootfs, 'tmp'), { recursive: true });
  await chmod(path.join(rootfs, 'tmp'), 0o1777);

  for (const [inImage, onHost] of Object.entries(img.files ?? {})) {
    await stat(onHost).catch(() => {
      throw new HarnessError(`stand-in for ${img.image} needs ${onHost}, which is missing`, { fix: 'run scripts/setup.sh (it installs the Debian packages named in config/images.yaml)' });
    });
    await mkdir(path.join(rootfs, path.dirname(inImage)), { recursive: true });
    await copyFile(onHost, path.join(rootfs, inImage));
    await chmod(path.join(rootfs, inImage), 0o755);
  }
  for (const applet of img.busybox ?? []) await symlink('busybox', path.join(rootfs, 'bin', applet));
  if (img.compile) {
    await execa('gcc', ['-static', '-O2', '-o', path.join(rootfs, img.compile.to), path.join(projectRoot, img.compile.source)]);
  }
  await writeOciImage(layout, [rootfs], { entrypoint: img.entrypoint, cmd: img.cmd });
  await rm(rootfs, { recursive: true, force: true });
  return layout;
}

/** Builds every stand-in and pushes it to the registry at 127.0.0.1:port under its original path. */
export async function publishStandIns(images: StandInImage[], opts: {
  workDir: string; registry: string; user: string; password: string; caDir: string;
}): Promise<void> {
  await mkdir(opts.workDir, { recursive: true });
  await Promise.all(images.map(async (img) => {
    const layout = await buildImage(img, opts.workDir);
    const { repository, tag } = splitReference(img.image);
    const result = await execa('skopeo', ['copy', '--quiet', '--dest-creds', `${opts.user}:${opts.password}`, '--dest-cert-dir', opts.caDir,
      `oci:${layout}:stand-in`, `docker://${opts.registry}/${repository}:${tag}`], { reject: false });
    if (result.exitCode !== 0) {
      throw new HarnessError(`could not push the stand-in for ${img.image} to the local registry: ${result.stderr}`, { fix: 'see the registry log in the cluster logs directory' });
    }
  }));
}
