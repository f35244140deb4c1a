// The top layer of a stand-in: what every image has (Debian's standard users and groups, /tmp,
// /run) and what its entry in config/images.yaml adds (host files, busybox applets, written
// files, symlinks, directories, a compiled program). Small, so built in well under a second.
import { createHash } from 'node:crypto';
import { chmod, copyFile, lstat, mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';
import { putLayer, type Descriptor } from './blob-store.ts';
import type { StandInImage } from './images-config.ts';
import { makeMergedUsrSkeleton } from './package-layer.ts';
import { debFileName, type DebPackage } from './package-closure.ts';

/** base-passwd's masters are what its postinst installs as /etc/passwd and /etc/group (root, www-data, nobody…). */
export const usersAndGroups = { '/etc/passwd': '/usr/share/base-passwd/passwd.master', '/etc/group': '/usr/share/base-passwd/group.master' };

/** Directories every Linux image has, with the modes programs expect (a 1777 /tmp above all). */
export const standardDirectories: Record<string, number> = {
  '/tmp': 0o1777, '/var/tmp': 0o1777, '/run': 0o755, '/run/lock': 0o1777, '/root': 0o700, '/home': 0o755,
};

async function sha(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

async function hostFile(image: string, onHost: string): Promise<string> {
  await stat(onHost).catch(() => {
    throw new HarnessError(`the stand-in for ${image} needs ${onHost} from the host, which is missing`, {
      fix: 'install the Debian package that provides it (`dpkg -S` on a machine that has it), or change files: in config/images.yaml',
    });
  });
  return onHost;
}

/** The cache key of an image layer: everything that goes into it, except `why`. */
export async function imageLayerKey(img: StandInImage, below: Descriptor[]): Promise<string> {
  const hostFiles: Record<string, string> = {};
  for (const onHost of [...Object.values(img.files ?? {}), ...Object.values(usersAndGroups)]) hostFiles[onHost] = await sha(await hostFile(img.image, onHost));
  const content = { ...img, why: undefined };
  return createHash('sha256').update(JSON.stringify({
    builder: await sha(new URL(import.meta.url).pathname), content, below: below.map((d) => d.digest), hostFiles,
    compile: img.compile ? await sha(path.join(projectRoot, img.compile.source)) : null,
  })).digest('hex').slice(0, 32);
}

/** Applet paths of a busybox binary (`bin/sh`, `usr/bin/wget`, …): `all` asks the binary itself. */
async function applets(img: StandInImage, busybox: string): Promise<string[]> {
  if (img.busybox !== 'all') return (img.busybox ?? []).map((a) => `bin/${a}`);
  const list = await execa(busybox, ['--list-full']);
  return list.stdout.split('\n').filter(Boolean);
}

/** The busybox binary to ask for its applets: a host file of the entry, or busybox-static's from its .deb. */
async function busyboxBinary(img: StandInImage, packages: DebPackage[], debsDir: string, tmp: string): Promise<string> {
  if (img.files?.['/bin/busybox']) return img.files['/bin/busybox'];
  const pkg = packages.find((p) => p.name === 'busybox-static');
  if (!pkg) throw new HarnessError(`${img.image}: busybox: needs /bin/busybox`, { fix: 'add busybox-static to its packages (or map /bin/busybox under files:)' });
  await execa('dpkg-deb', ['-x', path.join(debsDir, debFileName(pkg)), path.join(tmp, 'busybox')]);
  return path.join(tmp, 'busybox/bin/busybox');
}

export async function buildImageLayer(opts: { img: StandInImage; store: string; tmpParent: string; packages: DebPackage[]; debsDir: string }): Promise<Descriptor> {
  const { img } = opts;
  const tmp = await mkdtemp(path.join(opts.tmpParent, 'image-'));
  const root = path.join(tmp, 'root');
  const inRoot = (p: string): string => path.join(root, p);
  try {
    // Images made of packages use merged /usr in every layer: a real /bin here would hide the
    // /bin → usr/bin link of the layer below, and with it every program there.
    if (opts.packages.length) await makeMergedUsrSkeleton(root);
    else await mkdir(inRoot('bin'), { recursive: true });
    for (const [dir, mode] of Object.entries(standardDirectories)) {
      await mkdir(inRoot(dir), { recursive: true });
      await chmod(inRoot(dir), mode);
    }
    for (const [inImage, onHost] of Object.entries({ ...usersAndGroups, ...img.files })) {
      await mkdir(path.dirname(inRoot(inImage)), { recursive: true });
      await copyFile(await hostFile(img.image, onHost), inRoot(inImage));
      await chmod(inRoot(inImage), (await stat(onHost)).mode & 0o7777);
    }
    if (img.busybox) {
      const binary = await busyboxBinary(img, opts.packages, opts.debsDir, tmp);
      for (const applet of await applets(img, binary)) {
        if (applet === 'bin/busybox' || await lstat(inRoot(applet)).then(() => true, () => false)) continue;
        await mkdir(path.dirname(inRoot(applet)), { recursive: true });
        await symlink('/bin/busybox', inRoot(applet));
      }
    }
    for (const [dir, mode] of Object.entries(img.directories ?? {})) {
      await mkdir(inRoot(dir), { recursive: true });
      await chmod(inRoot(dir), parseInt(mode, 8));
    }
    for (const [file, content] of Object.entries(img.write ?? {})) {
      await mkdir(path.dirname(inRoot(file)), { recursive: true });
      await writeFile(inRoot(file), content);
      await chmod(inRoot(file), content.startsWith('#!') ? 0o755 : 0o644);
    }
    for (const [link, target] of Object.entries(img.symlinks ?? {})) {
      await mkdir(path.dirname(inRoot(link)), { recursive: true });
      await symlink(target, inRoot(link));
    }
    if (img.compile) {
      await mkdir(path.dirname(inRoot(img.compile.to)), { recursive: true });
      await execa('gcc', ['-static', '-O2', '-o', inRoot(img.compile.to), path.join(projectRoot, img.compile.source)]);
    }
    return await putLayer(opts.store, root);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
