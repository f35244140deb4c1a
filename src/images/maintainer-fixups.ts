// What the maintainer scripts of the image's packages would have done, where it matters in a
// container. Packages are unpacked with dpkg-deb -x and no script runs (running them needs dpkg,
// debconf and a shell in every image, and minutes); these are the effects lessons can see:
//  - update-alternatives links (awk → mawk, nc → nc.openbsd, which): read from each postinst;
//  - the CA bundle /etc/ssl/certs/ca-certificates.crt that update-ca-certificates writes;
//  - users and groups, /tmp and /run: see image-layer.ts (they hold for every image).
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Alternative {
  link: string;
  name: string;
  path: string;
  priority: number;
  slaves: { link: string; name: string; path: string }[];
}

/** The `update-alternatives --install link name path priority [--slave link name path]…` calls of a postinst. */
export function parseAlternatives(postinst: string): Alternative[] {
  const joined = postinst.replace(/\\\n/g, ' ');
  const found: Alternative[] = [];
  for (const line of joined.split('\n')) {
    const words = line.trim().split(/\s+/);
    const start = words.indexOf('update-alternatives');
    if (start < 0) continue;
    const install = words.indexOf('--install', start);
    if (install < 0) continue;
    const [link, name, target, priority] = words.slice(install + 1, install + 5);
    if (!link || !name || !target || !priority || [link, name, target, priority].some((w) => w.includes('$')) || !/^-?\d+$/.test(priority)) continue;
    const alternative: Alternative = { link, name, path: target, priority: Number(priority), slaves: [] };
    for (let i = install + 5; i < words.length; i++) {
      if (words[i] !== '--slave') continue;
      const [sLink, sName, sPath] = words.slice(i + 1, i + 4);
      if (sLink && sName && sPath && ![sLink, sName, sPath].some((w) => w.includes('$'))) alternative.slaves.push({ link: sLink, name: sName, path: sPath });
      i += 3;
    }
    found.push(alternative);
  }
  return found;
}

/**
 * The alternative update-alternatives would pick in auto mode: the highest priority per name,
 * among those whose program exists, and only where it beats what a lower layer already chose.
 */
export function chooseAlternatives(candidates: Alternative[], exists: (file: string) => boolean, chosenBelow: Record<string, number> = {}): Alternative[] {
  const best = new Map<string, Alternative>();
  for (const a of candidates) {
    if (!exists(a.path)) continue;
    const current = best.get(a.name);
    if (!current || a.priority > current.priority) best.set(a.name, a);
  }
  return [...best.values()].filter((a) => !(a.name in chosenBelow) || a.priority > (chosenBelow[a.name] ?? 0))
    .sort((a, b) => a.name.localeCompare(b.name));
}

async function replaceWithLink(root: string, link: string, target: string): Promise<void> {
  const at = path.join(root, link);
  await mkdir(path.dirname(at), { recursive: true });
  if (await lstat(at).then(() => true, () => false)) return; // a file the package ships wins, as with dpkg
  await symlink(target, at);
}

/** Links as update-alternatives makes them: link → /etc/alternatives/name → path. */
export async function applyAlternatives(root: string, chosen: Alternative[], exists: (file: string) => boolean): Promise<void> {
  for (const a of chosen) {
    for (const entry of [a, ...a.slaves.filter((s) => exists(s.path))]) {
      await replaceWithLink(root, `/etc/alternatives/${entry.name}`, entry.path);
      await replaceWithLink(root, entry.link, `/etc/alternatives/${entry.name}`);
    }
  }
}

/** update-ca-certificates, in substance: every shipped certificate in one bundle (sorted, as it does). */
export async function writeCaBundle(root: string): Promise<boolean> {
  const dir = path.join(root, 'usr/share/ca-certificates');
  const files: string[] = [];
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.name.endsWith('.crt')) files.push(path.join(d, e.name));
    }
  };
  await walk(dir);
  if (files.length === 0) return false;
  files.sort();
  const pems = await Promise.all(files.map((f) => readFile(f, 'utf8')));
  await mkdir(path.join(root, 'etc/ssl/certs'), { recursive: true });
  await writeFile(path.join(root, 'etc/ssl/certs/ca-certificates.crt'), pems.map((p) => p.trimEnd() + '\n').join(''));
  return true;
}
