// The package side of the stand-in images: apt's closure (parsed, and for real against this
// host's package lists), layers beyond a base, and the maintainer-script effects redone.
import { mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { closureBeyond, debFileName, explainAptFailure, parseSimulatedInstall, resolveClosure } from '../../src/images/package-closure.ts';
import { applyAlternatives, chooseAlternatives, parseAlternatives, writeCaBundle } from '../../src/images/maintainer-fixups.ts';

const simulated = `NOTE: This is only a simulation!
Reading package lists...
Building dependency tree...
The following NEW packages will be installed:
  gcc-12-base libc6 nginx
Inst gcc-12-base (12.2.0-14+deb12u1 Debian:12.15/oldstable [amd64])
Inst libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [amd64]) []
Inst busybox-static (1:1.35.0-4+deb12u1+b1 Debian:12.15/oldstable [amd64])
Inst media-types (10.0.0 Debian:12.15/oldstable [all])
Conf libc6 (2.36-9+deb12u14 Debian:12.15/oldstable [amd64])
`;

const made: string[] = [];
async function tmp(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
after(async () => {
  for (const dir of made) await rm(dir, { recursive: true, force: true });
});

/** A host without apt's package lists (a bare CI runner) cannot resolve: say so and skip. */
async function requireAptLists(test: Mocha.Context): Promise<void> {
  const lists = await readdir('/var/lib/apt/lists').catch(() => [] as string[]);
  if (!lists.some((f) => /_Packages(\.\w+)?$/.test(f))) {
    console.warn('    (skipped: apt has no package lists here; run `apt-get update` to test against the real solver)');
    test.skip();
  }
}

describe('package closure', function () {
  this.timeout(60_000);

  it('reads name, version and architecture of each package apt would install, sorted', () => {
    expect(parseSimulatedInstall(simulated)).to.deep.equal([
      { name: 'busybox-static', version: '1:1.35.0-4+deb12u1+b1', arch: 'amd64' },
      { name: 'gcc-12-base', version: '12.2.0-14+deb12u1', arch: 'amd64' },
      { name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64' },
      { name: 'media-types', version: '10.0.0', arch: 'all' },
    ]);
  });

  it('names the .deb file as apt-get download writes it (epoch colon escaped)', () => {
    expect(debFileName({ name: 'busybox-static', version: '1:1.35.0-4', arch: 'amd64' })).to.equal('busybox-static_1%3a1.35.0-4_amd64.deb');
  });

  it('keeps for a layer only what the layer below lacks', () => {
    const base = parseSimulatedInstall(simulated).slice(1, 3);
    expect(closureBeyond(parseSimulatedInstall(simulated), base).map((p) => p.name)).to.deep.equal(['busybox-static', 'media-types']);
  });

  it('says which packages apt does not know', () => {
    expect(explainAptFailure('Reading package lists...\nE: Unable to locate package nginx-lite\nE: Unable to locate package pyhton3\n'))
      .to.equal('unknown package(s): nginx-lite, pyhton3');
  });

  it('resolves a real closure with apt\'s solver: nginx brings libc6 and nginx-common, not Essential packages it does not name', async function () {
    await requireAptLists(this);
    const cache = await tmp('closure-');
    const closure = await resolveClosure(['nginx'], cache, 'test');
    const names = closure.map((p) => p.name);
    expect(names).to.include.members(['nginx', 'nginx-common', 'libc6']);
    for (const essential of ['coreutils', 'bash', 'apt']) expect(names).to.not.include(essential);
    expect(closure.every((p) => p.version && p.arch), 'versions and architectures').to.equal(true);
    // Cached: the same answer without apt (the cache file is what a warm start reads).
    expect(await resolveClosure(['nginx'], cache, 'test')).to.deep.equal(closure);
  });

  it('names the image and the unknown package when apt cannot resolve', async function () {
    await requireAptLists(this);
    const cache = await tmp('closure-');
    const error = await resolveClosure(['nginx', 'no-such-package-xyz'], cache, 'config/images.yaml: docker.io/library/nginx').then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/config\/images\.yaml: docker\.io\/library\/nginx: apt-get cannot resolve[\s\S]*unknown package\(s\): no-such-package-xyz[\s\S]*fix: check the package names/);
  });
});

const mawkPostinst = `#!/bin/sh
set -e
if [ "$1" = configure ]; then
        update-alternatives --install /usr/bin/awk awk /usr/bin/mawk 5 \\
            --slave /usr/share/man/man1/awk.1.gz awk.1.gz /usr/share/man/man1/mawk.1.gz \\
            --slave /usr/bin/nawk nawk /usr/bin/mawk
fi
update-alternatives --install "$DIR/x" x /usr/bin/x 1
`;

describe('maintainer-script effects', () => {
  it('reads update-alternatives calls with their slaves across continued lines, skipping ones with variables', () => {
    expect(parseAlternatives(mawkPostinst)).to.deep.equal([{
      link: '/usr/bin/awk', name: 'awk', path: '/usr/bin/mawk', priority: 5,
      slaves: [{ link: '/usr/share/man/man1/awk.1.gz', name: 'awk.1.gz', path: '/usr/share/man/man1/mawk.1.gz' }, { link: '/usr/bin/nawk', name: 'nawk', path: '/usr/bin/mawk' }],
    }]);
  });

  it('picks the highest priority whose program exists, and beats a lower layer only with a higher one', () => {
    const gawk = { link: '/usr/bin/awk', name: 'awk', path: '/usr/bin/gawk', priority: 10, slaves: [] };
    const mawk = { ...gawk, path: '/usr/bin/mawk', priority: 5 };
    const all = (): boolean => true;
    expect(chooseAlternatives([mawk, gawk], all).map((a) => a.path)).to.deep.equal(['/usr/bin/gawk']);
    expect(chooseAlternatives([mawk, gawk], (f) => f !== '/usr/bin/gawk').map((a) => a.path)).to.deep.equal(['/usr/bin/mawk']);
    expect(chooseAlternatives([mawk], all, { awk: 10 })).to.deep.equal([]);
    expect(chooseAlternatives([gawk], all, { awk: 5 }).map((a) => a.path)).to.deep.equal(['/usr/bin/gawk']);
  });

  it('links as update-alternatives does, leaving slaves whose file is absent (man pages are not unpacked)', async () => {
    const root = await tmp('alternatives-');
    const [awk] = parseAlternatives(mawkPostinst);
    const exists = (f: string): boolean => !f.startsWith('/usr/share/man');
    await applyAlternatives(root, awk ? [awk] : [], exists);
    expect(await readlink(path.join(root, 'usr/bin/awk'))).to.equal('/etc/alternatives/awk');
    expect(await readlink(path.join(root, 'etc/alternatives/awk'))).to.equal('/usr/bin/mawk');
    expect(await readlink(path.join(root, 'usr/bin/nawk'))).to.equal('/etc/alternatives/nawk');
    expect(existsSync(path.join(root, 'usr/share/man/man1/awk.1.gz')), 'man page slave').to.equal(false);
  });

  it('writes the CA bundle from the shipped certificates, in name order', async () => {
    const root = await tmp('ca-');
    expect(await writeCaBundle(root), 'no certificates: no bundle').to.equal(false);
    await mkdir(path.join(root, 'usr/share/ca-certificates/mozilla'), { recursive: true });
    await writeFile(path.join(root, 'usr/share/ca-certificates/mozilla/B.crt'), '-----B-----\n');
    await writeFile(path.join(root, 'usr/share/ca-certificates/mozilla/A.crt'), '-----A-----');
    expect(await writeCaBundle(root)).to.equal(true);
    expect(await readFile(path.join(root, 'etc/ssl/certs/ca-certificates.crt'), 'utf8')).to.equal('-----A-----\n-----B-----\n');
  });
});
