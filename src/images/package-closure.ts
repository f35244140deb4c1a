// The dependency closure of a list of Debian packages, as apt itself resolves it: apt-get
// simulates installing them onto an empty system (an empty dpkg status file), so alternatives
// (`a | b`), virtual packages and versions are chosen by apt's solver, not by code of ours.
// Essential packages are not added unless asked for: they are assumed present by Debian, so an
// image that needs a shell lists dash/bash and coreutils itself (config/images.yaml does).
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { HarnessError } from '../errors/harness-error.ts';
import { writeJsonAtomic } from './blob-store.ts';

export interface DebPackage {
  name: string;
  version: string;
  arch: string;
}

/** `Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [amd64]) []` → { libc6, 2.36-9+deb12u14, amd64 } */
export function parseSimulatedInstall(output: string): DebPackage[] {
  const found: DebPackage[] = [];
  for (const line of output.split('\n')) {
    const m = /^Inst (\S+) (?:\[[^\]]*\] )?\((\S+) .*\[([a-z0-9-]+)\]\)/.exec(line);
    if (m) found.push({ name: m[1] ?? '', version: m[2] ?? '', arch: m[3] ?? '' });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** What apt says when it cannot resolve: the packages it does not know, or its whole complaint. */
export function explainAptFailure(output: string): string {
  const unknown = [...output.matchAll(/^E: Unable to locate package (\S+)/gm)].map((m) => m[1]);
  if (unknown.length) return `unknown package(s): ${unknown.join(', ')}`;
  return output.split('\n').filter((l) => /^(E:|W:| )/.test(l)).slice(0, 8).join('\n') || output.slice(-400);
}

export const debFileName = (p: DebPackage): string => `${p.name}_${p.version.replace(':', '%3a')}_${p.arch}.deb`;

/** Packages of `all` that `base` does not already provide (by name: one apt state picks one version). */
export function closureBeyond(all: DebPackage[], base: DebPackage[]): DebPackage[] {
  const inBase = new Set(base.map((p) => p.name));
  return all.filter((p) => !inBase.has(p.name));
}

/** Identity of apt's package lists: a closure computed against the same lists is the same closure. */
async function aptListsFingerprint(listsDir = '/var/lib/apt/lists'): Promise<string> {
  const names = (await readdir(listsDir).catch(() => [] as string[])).filter((n) => /_Packages(\.\w+)?$/.test(n)).sort();
  if (names.length === 0) {
    throw new HarnessError(`apt has no package lists in ${listsDir}: the stand-in images are built from Debian packages`, { fix: 'run `apt-get update` as root' });
  }
  const parts = await Promise.all(names.map(async (n) => {
    const s = await stat(path.join(listsDir, n));
    return `${n} ${s.size} ${s.mtimeMs}`;
  }));
  return parts.join('\n');
}

/**
 * The closure of `packages` (sorted by name), cached under `cacheDir` for as long as apt's lists
 * do not change: apt-get takes seconds, a warm cluster start should take none.
 */
export async function resolveClosure(packages: string[], cacheDir: string, context: string): Promise<DebPackage[]> {
  const key = createHash('sha256').update(`${await aptListsFingerprint()}\n${[...packages].sort().join(' ')}`).digest('hex').slice(0, 24);
  const cached = path.join(cacheDir, `${key}.json`);
  const hit = await readFile(cached, 'utf8').then((t) => JSON.parse(t) as DebPackage[], () => undefined);
  if (hit) return hit;
  const result = await execa('apt-get', ['install', '--simulate', '--no-install-recommends', '-o', 'Dir::State::status=/dev/null',
    '-o', 'Debug::NoLocking=1', '-o', 'APT::Get::Show-Versions=false', ...packages], { reject: false, all: true, env: { LC_ALL: 'C' } });
  const closure = parseSimulatedInstall(String(result.all));
  if (result.exitCode !== 0 || closure.length === 0) {
    throw new HarnessError(`${context}: apt-get cannot resolve the packages ${packages.join(' ')}: ${explainAptFailure(String(result.all))}`, {
      fix: 'check the package names (`apt-cache policy NAME`) in config/images.yaml; if apt\'s lists are old, run `apt-get update`',
    });
  }
  await writeJsonAtomic(cached, closure);
  return closure;
}
