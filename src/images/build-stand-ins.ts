// Builds every stand-in of config/images.yaml into the cache's blob store, reusing every layer
// built before (keyed by package versions and content), and returns what the registry serves.
// Layers, bottom first: the `base` package set (shared: debian, ubuntu, nginx, python and perl
// store it once), the entry's own packages beyond it, then the entry's small image layer.
import { mkdir, readFile, writeFile, access } from 'node:fs/promises';
import path from 'node:path';
import { defaults } from '../config/defaults.ts';
import { blobPath, putImage, type Descriptor } from './blob-store.ts';
import { buildImageLayer, imageLayerKey } from './image-layer.ts';
import type { ImagesConfig, StandInImage } from './images-config.ts';
import { closureBeyond, resolveClosure, type DebPackage } from './package-closure.ts';
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
  const began = Date.now();
  const store = cacheDir;
  await mkdir(cacheDir, { recursive: true });
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
      await mkdir(path.dirname(record), { recursive: true });
      await writeFile(record, JSON.stringify(top));
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
  const total = new Map(built.flatMap((b) => b.layers.map((l) => [l.digest, l.size])));
  log(`  images: ${built.length} stand-ins ready in ${((Date.now() - began) / 1000).toFixed(1)} s (${mb([...total.values()].reduce((a, b) => a + b, 0))} of distinct layers in ${cacheDir})`);
  return built;
}

/** The registry server's list: every stand-in, the tags it answers for, and its manifest. */
export function registryImages(built: BuiltStandIn[]): { image: string; tags?: 'any' | string[]; manifest: string }[] {
  return built.map((b) => ({ image: b.entry.image, ...(b.entry.tags ? { tags: b.entry.tags } : {}), manifest: b.manifest.digest }));
}
