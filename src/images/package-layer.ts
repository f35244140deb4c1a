// A layer made of Debian packages: downloaded with apt-get, unpacked with dpkg-deb (no maintainer
// scripts), plus what those scripts would have done that matters (maintainer-fixups.ts).
//
// Why not debootstrap --variant=minbase: measured here, a bare bookworm minbase takes 62 s and
// 206 MB (it installs every Essential package with dpkg and runs their maintainer scripts in a
// chroot: apt, dpkg, perl-base, no lesson uses them), before curl, ping or nslookup are even in.
// Unpacking the closure apt computes (package-closure.ts) took 4 s for the 86 packages of the
// Debian userland (102 MB), and 25 s for every stand-in from an empty cache, downloads included.
import { createHash } from 'node:crypto';
import { access, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors/harness-error.ts';
import { blobPath, putLayer, writeJsonAtomic, type Descriptor } from './blob-store.ts';
import { applyAlternatives, chooseAlternatives, parseAlternatives, writeCaBundle, type Alternative } from './maintainer-fixups.ts';
import { debFileName, type DebPackage } from './package-closure.ts';

export interface PackageLayer extends Descriptor {
  packages: DebPackage[];
  /** alternatives this layer chose (name → priority), so a layer above only overrides higher ones */
  alternatives: Record<string, number>;
}

/** Debian's merged /usr (bookworm's default): packages still ship /bin/…, which lands in /usr/bin. */
export const mergedUsrLinks: Record<string, string> = { bin: 'usr/bin', sbin: 'usr/sbin', lib: 'usr/lib', lib64: 'usr/lib64' };

export async function makeMergedUsrSkeleton(root: string): Promise<void> {
  for (const [link, target] of Object.entries(mergedUsrLinks)) {
    await mkdir(path.join(root, target), { recursive: true });
    await symlink(target, path.join(root, link));
  }
}

// What debian:*-slim leaves out too; copyright files stay.
const excluded = ['./usr/share/man/*', './usr/share/info/*', './usr/share/lintian/*', './usr/share/locale/*', './usr/share/groff/*'];

async function runLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: Math.min(limit, queue.length) }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

let downloads: Promise<unknown> = Promise.resolve();

/** Downloads the .deb files not yet in debsDir, one apt-get at a time (they share the directory). */
export function downloadDebs(packages: DebPackage[], debsDir: string, context: string): Promise<number> {
  const run = downloads.then(async () => {
    await mkdir(debsDir, { recursive: true });
    const missing = packages.filter((p) => !existsSync(path.join(debsDir, debFileName(p))));
    if (missing.length === 0) return 0;
    const result = await execa('apt-get', ['download', '-o', 'APT::Sandbox::User=root', ...missing.map((p) => `${p.name}=${p.version}`)],
      { cwd: debsDir, reject: false, all: true, env: { LC_ALL: 'C' } });
    if (result.exitCode !== 0) {
      throw new HarnessError(`${context}: apt-get download failed: ${String(result.all).split('\n').filter((l) => /^(E|W):/.test(l)).slice(0, 5).join('\n')}`, {
        fix: 'check that Debian\'s mirror is reachable (`apt-get update` works); a version that left the mirror comes back after `apt-get update`',
      });
    }
    return missing.length;
  });
  downloads = run.catch(() => undefined);
  return run;
}

const sourceHash = (async () => {
  const texts = await Promise.all(['package-layer.ts', 'maintainer-fixups.ts'].map((f) => readFile(new URL(f, import.meta.url), 'utf8')));
  return createHash('sha256').update(texts.join('\0')).digest('hex');
})();

export async function packageLayerKey(packages: DebPackage[], below: PackageLayer | undefined): Promise<string> {
  return createHash('sha256').update(JSON.stringify({
    builder: await sourceHash, packages: packages.map((p) => `${p.name}=${p.version}:${p.arch}`), below: below?.digest ?? null,
  })).digest('hex').slice(0, 32);
}

/**
 * The layer of `packages` (a closure, minus what `below` already has), from the cache when these
 * exact versions were built before. `onBuild` says when real work starts (for progress lines).
 */
export async function packageLayer(opts: {
  store: string; cacheDir: string; packages: DebPackage[]; below?: PackageLayer | undefined; context: string;
  onBuild?: (what: string) => void;
}): Promise<PackageLayer & { built: boolean }> {
  const key = await packageLayerKey(opts.packages, opts.below);
  const record = path.join(opts.cacheDir, 'layers', `${key}.json`);
  const cached = await readFile(record, 'utf8').then((t) => JSON.parse(t) as PackageLayer, () => undefined);
  if (cached && await access(blobPath(opts.store, cached.digest)).then(() => true, () => false)) return { ...cached, built: false };

  const debsDir = path.join(opts.cacheDir, 'debs');
  const fetched = await downloadDebs(opts.packages, debsDir, opts.context);
  opts.onBuild?.(`${opts.packages.length} packages (${fetched} downloaded)`);
  const tmp = await mkdtemp(path.join(opts.cacheDir, 'build-'));
  const root = path.join(tmp, 'root');
  try {
    await makeMergedUsrSkeleton(root);
    const alternatives: Alternative[] = [];
    await runLimited(opts.packages, 3, async (p) => {
      const deb = path.join(debsDir, debFileName(p));
      const unpack = await execa('bash', ['-c', 'set -o pipefail; dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --keep-directory-symlink --wildcards "${@:3}"',
        '_', deb, root, ...excluded.map((e) => `--exclude=${e}`)], { reject: false, all: true });
      if (unpack.exitCode !== 0) throw new HarnessError(`${opts.context}: could not unpack ${deb}: ${unpack.all}`, { fix: `delete ${deb} (a broken download) and start again` });
      const postinst = await execa('dpkg-deb', ['--info', deb, 'postinst'], { reject: false });
      if (postinst.exitCode === 0) alternatives.push(...parseAlternatives(postinst.stdout));
    });
    await execa('find', [path.join(root, 'usr/share/doc'), '-mindepth', '1', '!', '-type', 'd', '!', '-name', 'copyright', '-delete'], { reject: false });
    const exists = (file: string): boolean => existsSync(path.join(root, file));
    const chosen = chooseAlternatives(alternatives, exists, opts.below?.alternatives);
    await applyAlternatives(root, chosen, exists);
    if (opts.packages.some((p) => p.name === 'ca-certificates')) await writeCaBundle(root);
    const layer: PackageLayer = { ...(await putLayer(opts.store, root)), packages: opts.packages, alternatives: Object.fromEntries(chosen.map((a) => [a.name, a.priority])) };
    await writeJsonAtomic(record, layer);
    return { ...layer, built: true };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
