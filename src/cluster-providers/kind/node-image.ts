// Builds, offline, a node image that boots the way a kindest/node image boots: a Debian bookworm
// rootfs (debootstrap) with systemd, containerd, runc and CNI plugins; kubeadm, kubelet and kubectl
// from the project's own Kubernetes build; and the control-plane, etcd, pause and lesson images
// preloaded (served by a registry on the node's loopback, so no pull ever leaves the node).
import { createHash } from 'node:crypto';
import { access, chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { defaults } from '../../config/defaults.ts';
import { HarnessError } from '../../errors/harness-error.ts';
import { ensureCoreDnsBinary, ensureKubernetesBinaries } from '../kubernetes-binaries.ts';
import { buildImage, loadStandInImages, writeOciImage } from '../local/stand-in-images.ts';
import { projectRoot } from '../../config/project-root.ts';
import * as files from './node-files.ts';

export const kubernetesVersion = 'v1.34.12';
/** The node images, pinned in this one place: ours (built offline) and kind's published one. */
export const nodeImage = `lesson-harness/kind-node:${kubernetesVersion}`;
export const publishedNodeImage = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';
export const etcdImageTag = '3.6.4-0';

const debianPackages = ['systemd', 'systemd-sysv', 'dbus', 'containerd', 'runc', 'containernetworking-plugins', 'iptables', 'iproute2',
  'ca-certificates', 'kmod', 'mount', 'util-linux', 'procps', 'conntrack', 'ethtool', 'socat', 'docker-registry', 'openssl',
  'apache2-utils', 'skopeo', 'curl', 'bash'];

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}

/** The Debian rootfs as a tarball, cached by package list (debootstrap takes minutes). */
async function debianRootfs(log: (line: string) => void): Promise<string> {
  const tarball = path.join(defaults.cacheDir, 'kind', `rootfs-bookworm-${sha(debianPackages.join(','))}.tar`);
  if (await exists(tarball)) return tarball;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kind-rootfs-'));
  try {
    log(`  debootstrap bookworm with ${debianPackages.length} packages (a few minutes, once)…`);
    const run = execa('debootstrap', ['--variant=minbase', `--include=${debianPackages.join(',')}`, 'bookworm', dir, 'http://deb.debian.org/debian'], { all: true, reject: false });
    let lines = 0;
    run.all?.on('data', (chunk: Buffer) => {
      lines += chunk.toString().split('\n').length - 1;
      if (lines % 100 < 2) log(`    debootstrap: ${lines} steps`);
    });
    const result = await run;
    if (result.exitCode !== 0) throw new HarnessError(`debootstrap failed: ${String(result.all).split('\n').slice(-5).join('\n')}`, { fix: 'check that Debian\'s package mirror is reachable (apt-get update works)' });
    await rm(path.join(dir, 'var/cache/apt/archives'), { recursive: true, force: true });
    await mkdir(path.dirname(tarball), { recursive: true });
    await execa('tar', ['-C', dir, '-cf', `${tarball}.tmp`, '.']);
    await execa('mv', [`${tarball}.tmp`, tarball]);
    return tarball;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Control-plane and etcd images: a shared layer with the multi-call binary, and a link per image. */
async function controlPlaneImages(kubeBinary: string, work: string): Promise<{ layout: string; ref: string }[]> {
  const shared = path.join(work, 'kube-layer');
  await mkdir(path.join(shared, 'usr/local/bin'), { recursive: true });
  await copyFile(kubeBinary, path.join(shared, 'usr/local/bin/kube'));
  const images = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => ({ component: c, ref: `${c}:${kubernetesVersion}` })),
    { component: 'etcd', ref: `etcd:${etcdImageTag}` },
  ];
  const built: { layout: string; ref: string }[] = [];
  for (const image of images) {
    const links = path.join(work, `${image.component}-links`);
    await mkdir(path.join(links, 'usr/local/bin'), { recursive: true });
    await symlink('kube', path.join(links, 'usr/local/bin', image.component));
    const layout = path.join(work, 'images', `${image.component}.oci`);
    await writeOciImage(layout, [shared, links], {});
    built.push({ layout, ref: `registry.k8s.io/${image.ref}` });
  }
  return built;
}

export async function buildNodeImage(log: (line: string) => void): Promise<string> {
  const binDir = await ensureKubernetesBinaries(log);
  const kubeBinary = path.join(path.dirname(binDir), 'kube');
  // CoreDNS runs on the node as a host process, next to kube-proxy (kind-cluster-provider.ts).
  const corednsBinary = await ensureCoreDnsBinary(log);
  const key = sha([await readFile(path.join(path.dirname(binDir), 'key'), 'utf8'), await readFile(path.join(path.dirname(corednsBinary), 'key'), 'utf8'), JSON.stringify(files), debianPackages.join(','),
    await readFile(path.join(projectRoot, 'config/images.yaml'), 'utf8'), await readFile(new URL(import.meta.url), 'utf8')].join('\n'));
  const inspect = await execa('docker', ['image', 'inspect', '--format', '{{ index .Config.Labels "lesson-harness.key" }}', nodeImage], { reject: false });
  if (inspect.exitCode === 0 && inspect.stdout.trim() === key) {
    log(`  node image ${nodeImage}: up to date`);
    return nodeImage;
  }
  log(`  building node image ${nodeImage}…`);
  const rootfs = await debianRootfs(log);
  const base = `lesson-harness/kind-base:${sha(rootfs)}`;
  if ((await execa('docker', ['image', 'inspect', base], { reject: false })).exitCode !== 0) {
    log('  importing the Debian rootfs into Docker…');
    await execa('docker', ['import', rootfs, base]);
  }

  const work = await mkdtemp(path.join(os.tmpdir(), 'kind-node-'));
  try {
    const context = path.join(work, 'context');
    const put = async (rel: string, content: string, mode = 0o644): Promise<void> => {
      await mkdir(path.dirname(path.join(context, rel)), { recursive: true });
      await writeFile(path.join(context, rel), content);
      await chmod(path.join(context, rel), mode);
    };
    await put('usr/local/bin/entrypoint', files.entrypoint, 0o755);
    await put('usr/local/bin/lesson-node-init', files.nodeInitScript, 0o755);
    await put('usr/local/bin/lesson-push-images', files.pushImagesScript, 0o755);
    await put('etc/containerd/config.toml', files.containerdConfig);
    await put('etc/cni/net.d/10-kind.conflist', files.cniConflist);
    for (const [unit, text] of Object.entries(files.units)) await put(`etc/systemd/system/${unit}`, text);
    await put('kind/version', `${kubernetesVersion}\n`);
    await put('kind/manifests/default-cni.yaml', files.defaultCniManifest);
    await put('kind/manifests/default-storage.yaml', files.defaultStorageManifest);
    await mkdir(path.join(context, 'usr/local/bin'), { recursive: true });
    await copyFile(kubeBinary, path.join(context, 'usr/local/bin/kube'));
    await copyFile(corednsBinary, path.join(context, 'usr/local/bin/coredns'));

    log('  building the preloaded images (control plane, etcd, pause, lesson stand-ins)…');
    const imagesDir = path.join(context, 'kind/images');
    await mkdir(imagesDir, { recursive: true });
    const index: string[] = [];
    for (const image of await controlPlaneImages(kubeBinary, path.join(work, 'cp'))) {
      await execa('cp', ['-r', image.layout, imagesDir]);
      index.push(`${path.basename(image.layout)} ${image.ref.slice(image.ref.indexOf('/') + 1)}`);
    }
    for (const img of await loadStandInImages()) {
      const layout = await buildImage(img, imagesDir);
      index.push(`${path.basename(layout)} ${img.image.slice(img.image.indexOf('/') + 1)}`);
    }
    await put('kind/images/index', `${index.join('\n')}\n`);

    await put('Dockerfile', `FROM ${base}
COPY . /
RUN ln -sf /usr/local/bin/kube /usr/bin/kubeadm && ln -sf /usr/local/bin/kube /usr/bin/kubelet && ln -sf /usr/local/bin/kube /usr/bin/kubectl \\
 && ln -sf /usr/local/bin/kube /usr/bin/kube-proxy \\
 && rm -f /Dockerfile \\
 && systemctl enable containerd lesson-node-init lesson-registry lesson-images kubelet \\
 && systemctl disable docker-registry || true \\
 && systemctl mask getty@tty1.service systemd-udevd.service systemd-udev-trigger.service systemd-modules-load.service systemd-remount-fs.service
ENV container=docker
STOPSIGNAL SIGRTMIN+3
LABEL lesson-harness.key=${key}
ENTRYPOINT ["/usr/local/bin/entrypoint"]
`);
    log('  docker build (offline: FROM the imported rootfs)…');
    const build = await execa('docker', ['build', '--network=none', '-t', nodeImage, context], { all: true, reject: false, env: { DOCKER_BUILDKIT: '0' } });
    if (build.exitCode !== 0) throw new HarnessError(`building ${nodeImage} failed:\n${String(build.all).split('\n').slice(-15).join('\n')}`, { fix: 'see the docker build output above' });
    // The previous build of the node image (over a gigabyte) is now untagged: remove it.
    await execa('docker', ['image', 'prune', '--force', '--filter', 'label=lesson-harness.key'], { reject: false });
    log(`  node image ${nodeImage} built`);
    return nodeImage;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
