// config/images.yaml: the stand-in images, read and checked in one place. Each error names the
// file, the line and the value at fault, and says how to fix it.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import YAML, { LineCounter, type Document } from 'yaml';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { isValidTagPattern, parseImageReference } from './image-reference.ts';

export interface StandInImage {
  /** registry/repository[:tag], as containerd resolves it (docker.io/library/… for short names) */
  image: string;
  /** without a tag in `image`: `any`, or tags and patterns such as `1.*` */
  tags?: 'any' | string[];
  why: string;
  /** a package set of `package-sets` that forms the image's first, shared layer */
  base?: string;
  /** Debian packages (and their dependency closure) that form the next layer */
  packages?: string[];
  /** `all`, or applets to link to the busybox binary at /bin/busybox */
  busybox?: 'all' | string[];
  /** path in the image → file on the host */
  files?: Record<string, string>;
  /** path in the image → content (mode 0755 when it starts with #!, 0644 otherwise) */
  write?: Record<string, string>;
  symlinks?: Record<string, string>;
  /** path → octal mode, such as "1777" */
  directories?: Record<string, string>;
  compile?: { source: string; to: string };
  entrypoint?: string[];
  cmd?: string[];
  env?: Record<string, string>;
  workdir?: string;
  expose?: number[];
  stopSignal?: string;
}

export interface ImagesConfig {
  file: string;
  packageSets: Record<string, string[]>;
  images: StandInImage[];
}

export const imagesConfigPath = path.join(projectRoot, 'config', 'images.yaml');

const imageKeys = new Set(['image', 'tags', 'why', 'base', 'packages', 'busybox', 'files', 'write', 'symlinks', 'directories', 'compile',
  'entrypoint', 'cmd', 'env', 'workdir', 'expose', 'stopSignal']);

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string' && s !== '');
const isStringMap = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((s) => typeof s === 'string');
const debianName = /^[a-z0-9][a-z0-9+.-]+$/;

export async function loadImagesConfig(file = imagesConfigPath): Promise<ImagesConfig> {
  return parseImagesConfig(await readFile(file, 'utf8'), file);
}

/** Parses and checks the text of an images file; `file` only names it in errors. */
export function parseImagesConfig(text: string, file = imagesConfigPath): ImagesConfig {
  const lineCounter = new LineCounter();
  const doc = YAML.parseDocument(text, { lineCounter, merge: true });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new HarnessError(`${file}:${e?.linePos?.[0].line ?? '?'}: not valid YAML: ${e?.message}`, { fix: 'correct the YAML syntax there' });
  }
  const raw = doc.toJS() as { 'package-sets'?: unknown; images?: unknown } | null;
  const at = (pathInDoc: (string | number)[]): string => `${file}:${lineOf(doc, lineCounter, pathInDoc)}`;
  const fail = (where: (string | number)[], message: string, fix: string): never => {
    throw new HarnessError(`${at(where)}: ${message}`, { fix });
  };

  const packageSets: Record<string, string[]> = {};
  const sets = raw?.['package-sets'] ?? {};
  if (typeof sets !== 'object' || Array.isArray(sets)) fail(['package-sets'], '`package-sets` must map a name to a list of Debian packages', 'write `package-sets: { name: [pkg, …] }`');
  for (const [name, list] of Object.entries(sets as Record<string, unknown>)) {
    if (!isStringList(list) || list.some((p) => !debianName.test(p))) {
      fail(['package-sets', name], `package set \`${name}\` must be a list of Debian package names, got ${JSON.stringify(list)}`, 'list package names as apt-get knows them');
    }
    packageSets[name] = list as string[];
  }

  if (!Array.isArray(raw?.images)) fail(['images'], 'the file needs an `images:` list', 'add `images:` with one entry per stand-in');
  const images = raw?.images as Record<string, unknown>[];
  const seen = new Map<string, number>();
  for (const [i, img] of images.entries()) {
    const where = (key?: string): (string | number)[] => (key ? ['images', i, key] : ['images', i]);
    if (typeof img !== 'object' || img === null) fail(where(), `images[${i}] must be a mapping`, 'write `- image: …` with its fields');
    for (const key of Object.keys(img)) {
      if (!imageKeys.has(key)) fail(where(key), `images[${i}] has an unknown field \`${key}\``, `use one of: ${[...imageKeys].join(', ')}`);
    }
    const ref = typeof img.image === 'string' ? parseImageReference(img.image) : undefined;
    if (!ref || ref.digest || typeof img.image !== 'string' || !img.image.includes('/') || parseImageReference(img.image)?.registry !== img.image.split('/')[0]) {
      fail(where('image'), `images[${i}].image must be a full reference like docker.io/library/nginx or docker.io/library/centos:7, got \`${String(img.image)}\``,
        'write the registry host and the repository (docker.io/library/… for official images), and a tag or `tags:`');
    }
    const image = img.image as string;
    const hasTag = image.slice(image.lastIndexOf('/')).includes(':');
    if (hasTag && img.tags !== undefined) fail(where('tags'), `${image} has a tag and \`tags\` as well`, 'drop the tag from `image`, or drop `tags`');
    if (!hasTag && img.tags === undefined) fail(where('image'), `${image} has no tag and no \`tags\``, 'add `tags: any` (every tag), a list such as `tags: ["1.*", latest]`, or a tag in `image`');
    if (img.tags !== undefined && img.tags !== 'any' && !(isStringList(img.tags) && img.tags.every(isValidTagPattern))) {
      fail(where('tags'), `${image}: tags must be \`any\` or a list of tags and patterns like "1.*", got ${JSON.stringify(img.tags)}`, 'write `tags: any` or `tags: ["1.*", latest]`');
    }
    const key = `${image} ${JSON.stringify(img.tags ?? null)}`;
    if (seen.has(key)) fail(where('image'), `${image} is declared twice (also images[${seen.get(key)}])`, 'keep one entry');
    seen.set(key, i);
    if (typeof img.why !== 'string' || img.why.trim() === '') fail(where('why'), `${image} needs \`why\`: what the lessons need from it`, 'say which lessons use it and what they run');
    if (img.base !== undefined && (typeof img.base !== 'string' || !packageSets[img.base])) {
      fail(where('base'), `${image}: base \`${String(img.base)}\` is not a package set`, `use one of: ${Object.keys(packageSets).join(', ') || '(none: add package-sets:)'}`);
    }
    if (img.packages !== undefined && !(isStringList(img.packages) && img.packages.every((p) => debianName.test(p)))) {
      fail(where('packages'), `${image}: packages must be a list of Debian package names, got ${JSON.stringify(img.packages)}`, 'write `packages: [nginx, …]`');
    }
    if (img.busybox !== undefined && img.busybox !== 'all' && !isStringList(img.busybox)) {
      fail(where('busybox'), `${image}: busybox must be \`all\` or a list of applets`, 'write `busybox: all` or `busybox: [sh, echo]`');
    }
    for (const field of ['files', 'write', 'symlinks', 'directories', 'env'] as const) {
      const value = img[field];
      if (value === undefined) continue;
      if (!isStringMap(value)) fail(where(field), `${image}: ${field} must map strings to strings, got ${JSON.stringify(value)}`, `write \`${field}: { "/path": "value" }\` (quote modes and numbers)`);
      if (field !== 'env' && Object.keys(value as object).some((p) => !p.startsWith('/'))) fail(where(field), `${image}: ${field} paths must be absolute`, 'start each path with /');
    }
    for (const [dir, mode] of Object.entries((img.directories ?? {}) as Record<string, string>)) {
      if (!/^[0-7]{3,4}$/.test(mode)) fail(where('directories'), `${image}: mode of ${dir} must be octal like "0755", got \`${mode}\``, 'quote the octal mode');
    }
    for (const field of ['entrypoint', 'cmd'] as const) {
      if (img[field] !== undefined && !isStringList(img[field])) fail(where(field), `${image}: ${field} must be a list of strings`, `write \`${field}: [program, arg]\``);
    }
    if (img.expose !== undefined && !(Array.isArray(img.expose) && img.expose.every((p) => Number.isInteger(p) && p > 0 && p < 65536))) {
      fail(where('expose'), `${image}: expose must be a list of port numbers`, 'write `expose: [80]`');
    }
    if (!img.packages && !img.base && !img.files && !img.compile) fail(where(), `${image} has no content`, 'give it `packages`, `base`, `files` or `compile`');
  }
  return { file, packageSets, images: images as unknown as StandInImage[] };
}

function lineOf(doc: Document, lineCounter: LineCounter, pathInDoc: (string | number)[]): number | string {
  // The value's node, or the nearest enclosing one that exists (a missing field: its entry).
  for (let n = pathInDoc.length; n > 0; n--) {
    const node = doc.getIn(pathInDoc.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node?.range) return lineCounter.linePos(node.range[0]).line;
  }
  return '?';
}

/** The mapping every cluster start prints: what answers for which name, and why. */
export function describeStandIns(images: StandInImage[]): string {
  return images.map((img) => {
    const name = img.tags === undefined ? img.image : `${img.image}:${img.tags === 'any' ? '*' : img.tags.join('|')}`;
    return `    ${name.padEnd(44)} ← ${img.why}`;
  }).join('\n');
}

/** The registries whose pulls the cluster sends to its own registry. */
export function standInRegistries(images: StandInImage[]): string[] {
  return [...new Set(images.map((i) => parseImageReference(i.image)?.registry ?? ''))].filter(Boolean).sort();
}
