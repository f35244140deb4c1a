// Builds every stand-in of config/images.yaml into the cache's blob store, reusing every layer
// built before (keyed by package versions and content), and returns what the registry serves.
// Layers, bottom first: the `base` package set (shared: debian, ubuntu, nginx, python and perl
// store it once), the entry's own packages beyond it, then the entry's small image layer.
import { access, mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { defaults } from '../config/defaults.ts';
import { withFileLock } from '../process/file-lock.ts';
import { blobPath, putImage, writeJsonAtomic, type Descriptor } from './blob-store.ts';
import { buildImageLayer, imageLayerKey } from './image-layer.ts';
import type { ImagesConfig, StandInImage } from './images-config.ts';
import { closureBeyond, debFileName, resolveClosure, type DebPackage } from './package-closure.ts';
import { packageLayer, type PackageLayer } from './package-layer.ts';

export interface BuiltStandIn {
  entry: StandInImage;
  manifest: Descriptor;
  layers: Descriptor[];
}

/** Where the stand-ins live: debs/, closures/, layers/ and the blob store (blobs/sha256/). */
export const imagesCacheDir = (): string => path.join(defaults.cacheDir, 'images');

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

export async function buildStandIns(config: ImagesConfig, log: (line: string) => void, cacheDir = imagesCacheDir()): Promise<BuiltStandIn[]> {
  await mkdir(cacheDir, { recursive: true });
  // One build at a time per cache: runs that start together on a cold cache (the lanes of npm test)
  // would otherwise download the same .debs into one folder; the second finds it all built.
  return withFileLock(path.join(cacheDir, 'build.lock'), () => log('  images: another run is building the stand-in images; waiting for it…'),
    () => buildAll(config, log, cacheDir));
}

async function buildAll(config: ImagesConfig, log: (line: string) => void, cacheDir: string): Promise<BuiltStandIn[]> {
  const began = Date.now();
  const store = cacheDir;
  const closures = new Map<string, Promise<DebPackage[]>>();
  const closure = (packages: string[], context: string): Promise<DebPackage[]> => {
    const key = [...packages].sort().join(' ');
    if (!closures.has(key)) closures.set(key, resolveClosure(packages, path.join(cacheDir, 'closures'), context));
    return closures.get(key) as Promise<DebPackage[]>;
  };
  // One build per layer even when several images share it.
  type Built = PackageLayer & { built: boolean };
  const layers = new Map<string, Promise<Built>>();
  const layerOf = (name: string, packages: DebPackage[], below: PackageLayer | undefined, context: string): Promise<Built> => {
    const key = JSON.stringify([packages.map((p) => p.name + p.version), below?.digest]);
    if (!layers.has(key)) {
      const t = Date.now();
      layers.set(key, packageLayer({
        store, cacheDir, packages, below, context,
        onBuild: (what) => log(`  images: building layer ${name}: ${what}…`),
      }).then((layer) => {
        if (layer.built) log(`  images: layer ${name} built in ${((Date.now() - t) / 1000).toFixed(1)} s (${mb(layer.size)})`);
        return layer;
      }));
    }
    return layers.get(key) as Promise<Built>;
  };

  let done = 0;
  const built = await Promise.all(config.images.map(async (entry): Promise<BuiltStandIn> => {
    const t = Date.now();
    const context = `${config.file}: ${entry.image}`;
    const stack: Built[] = [];
    let all: DebPackage[] = [];
    if (entry.base) {
      const set = config.packageSets[entry.base] ?? [];
      all = await closure(set, context);
      stack.push(await layerOf(entry.base, all, undefined, context));
    }
    if (entry.packages?.length) {
      const set = [...(entry.base ? config.packageSets[entry.base] ?? [] : []), ...entry.packages];
      const full = await closure(set, context);
      const own = closureBeyond(full, all);
      all = full;
      if (own.length) stack.push(await layerOf(entry.packages.join('+'), own, stack.at(-1), context));
    }
    const key = await imageLayerKey(entry, stack);
    const record = path.join(cacheDir, 'layers', `image-${key}.json`);
    let top = await readFile(record, 'utf8').then((t) => JSON.parse(t) as Descriptor, () => undefined);
    const fresh = !top || !(await access(blobPath(store, top.digest)).then(() => true, () => false));
    if (fresh) {
      top = await buildImageLayer({ img: entry, store, tmpParent: cacheDir, packages: all, debsDir: path.join(cacheDir, 'debs') });
      await writeJsonAtomic(record, top);
    }
    const imageLayers = [...stack.map(({ digest, size }) => ({ digest, size })), top as Descriptor];
    const manifest = await putImage(store, imageLayers, {
      entrypoint: entry.entrypoint, cmd: entry.cmd, workdir: entry.workdir, expose: entry.expose, stopSignal: entry.stopSignal,
      env: entry.env ? Object.entries(entry.env).map(([k, v]) => `${k}=${v}`) : undefined,
    });
    done++;
    const size = imageLayers.reduce((sum, l) => sum + l.size, 0);
    if (fresh || stack.some((l) => l.built)) {
      log(`  images: [${done}/${config.images.length}] ${entry.image} ready in ${((Date.now() - t) / 1000).toFixed(1)} s (${imageLayers.length} layers, ${mb(size)})`);
    }
    return { entry, manifest, layers: imageLayers };
  }));
  await pruneUnused(cacheDir, built, log);
  const total = new Map(built.flatMap((b) => b.layers.map((l) => [l.digest, l.size])));
  log(`  images: ${built.length} stand-ins ready in ${((Date.now() - began) / 1000).toFixed(1)} s (${mb([...total.values()].reduce((a, b) => a + b, 0))} of distinct layers in ${cacheDir})`);
  return built;
}

/** The registry server's list: every stand-in, the tags it answers for, and its manifest. */
export function registryImages(built: BuiltStandIn[]): { image: string; tags?: 'any' | string[]; manifest: string }[] {
  return built.map((b) => ({ image: b.entry.image, ...(b.entry.tags ? { tags: b.entry.tags } : {}), manifest: b.manifest.digest }));
}

/** Unused for this long, a blob or .deb goes: old enough that no build running beside us needs it. */
const pruneAfterMs = 60 * 60 * 1000;

/**
 * Removes what no current stand-in uses (layers of older package versions and their .deb files,
 * their records), so the cache does not grow with every Debian update.
 */
async function pruneUnused(cacheDir: string, built: BuiltStandIn[], log: (line: string) => void): Promise<void> {
  const hex = (digest: string): string => digest.replace('sha256:', '');
  const blobs = new Set<string>();
  for (const b of built) {
    const manifest = JSON.parse(await readFile(blobPath(cacheDir, b.manifest.digest), 'utf8')) as { config: { digest: string } };
    for (const d of [b.manifest.digest, manifest.config.digest, ...b.layers.map((l) => l.digest)]) blobs.add(hex(d));
  }
  const debs = new Set<string>();
  const records = new Set<string>();
  for (const file of await readdir(path.join(cacheDir, 'layers')).catch(() => [] as string[])) {
    const record = JSON.parse(await readFile(path.join(cacheDir, 'layers', file), 'utf8')) as { digest: string; packages?: DebPackage[] };
    if (!blobs.has(hex(record.digest))) continue;
    records.add(file);
    for (const p of record.packages ?? []) debs.add(debFileName(p));
  }
  let removed = 0;
  let bytes = 0;
  const sweep = async (dir: string, keep: Set<string>): Promise<void> => {
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const st = await stat(file).catch(() => undefined);
      if (!st?.isFile() || keep.has(name) || Date.now() - st.mtimeMs < pruneAfterMs) continue;
      await rm(file, { force: true });
      removed++;
      bytes += st.size;
    }
  };
  await sweep(path.join(cacheDir, 'blobs', 'sha256'), blobs);
  await sweep(path.join(cacheDir, 'debs'), debs);
  await sweep(path.join(cacheDir, 'layers'), records);
  if (removed) log(`  images: removed ${removed} unused file(s) from the cache (${mb(bytes)})`);
}
