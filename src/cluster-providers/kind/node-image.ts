// Builds, offline, a node image that boots the way a kindest/node image boots: a Debian bookworm
// rootfs (debootstrap) with systemd, containerd, runc and CNI plugins; kubeadm, kubelet and kubectl
// from the project's own Kubernetes build; and the control-plane, etcd, pause and lesson images
// preloaded: their blobs sit in /kind/images, where the project's registry server
// (src/images/registry-server.ts) serves them on the node's loopback, so no pull leaves the node.
import { createHash } from 'node:crypto';
import { access, chmod, copyFile, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { defaults } from '../../config/defaults.ts';
import { HarnessError } from '../../errors/harness-error.ts';
import { ensureCoreDnsBinary, ensureKubernetesBinaries } from '../kubernetes-binaries.ts';
import { blobPath, putImage, putLayer } from '../../images/blob-store.ts';
import { buildStandIns, imagesCacheDir, registryImages } from '../../images/build-stand-ins.ts';
import { loadImagesConfig, standInRegistries } from '../../images/images-config.ts';
import { registryServerPath } from '../../images/registry-server.ts';
import * as files from './node-files.ts';

// kind stays on v1.34.12 until its node image is built per version (issue 9, item 5); the local
// provider follows config/kubernetes-versions.json.
export const kubernetesVersion = 'v1.34.12';
/** The node images, pinned in this one place: ours (built offline) and kind's published one. */
export const nodeImage = `lesson-harness/kind-node:${kubernetesVersion}`;
export const publishedNodeImage = 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a';
export const etcdImageTag = '3.6.4-0';

const debianPackages = ['systemd', 'systemd-sysv', 'dbus', 'containerd', 'runc', 'containernetworking-plugins', 'iptables', 'iproute2',
  'ca-certificates', 'kmod', 'mount', 'util-linux', 'procps', 'conntrack', 'ethtool', 'socat', 'openssl', 'curl', 'bash'];

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
async function controlPlaneImages(kubeBinary: string, work: string, store: string): Promise<{ image: string; manifest: string }[]> {
  const shared = path.join(work, 'kube-layer');
  await mkdir(path.join(shared, 'usr/local/bin'), { recursive: true });
  await copyFile(kubeBinary, path.join(shared, 'usr/local/bin/kube'));
  const kubeLayer = await putLayer(store, shared);
  const images = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => ({ component: c, ref: `${c}:${kubernetesVersion}` })),
    { component: 'etcd', ref: `etcd:${etcdImageTag}` },
  ];
  const built: { image: string; manifest: string }[] = [];
  for (const image of images) {
    const links = path.join(work, `${image.component}-links`);
    await mkdir(path.join(links, 'usr/local/bin'), { recursive: true });
    await symlink('kube', path.join(links, 'usr/local/bin', image.component));
    const manifest = await putImage(store, [kubeLayer, await putLayer(store, links)], {});
    built.push({ image: `registry.k8s.io/${image.ref}`, manifest: manifest.digest });
  }
  return built;
}

/** Hard-links (or copies) each image's blobs from the cache's store into the node's store. */
async function copyBlobs(store: string, manifests: string[], into: string): Promise<void> {
  const digests = new Set<string>();
  for (const digest of manifests) {
    const m = JSON.parse(await readFile(blobPath(store, digest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
    for (const d of [digest, m.config.digest, ...m.layers.map((l) => l.digest)]) digests.add(d);
  }
  for (const digest of digests) {
    const target = blobPath(into, digest);
    await mkdir(path.dirname(target), { recursive: true });
    await link(blobPath(store, digest), target).catch(() => copyFile(blobPath(store, digest), target));
  }
}

export async function buildNodeImage(log: (line: string) => void): Promise<string> {
  const binDir = await ensureKubernetesBinaries(log, kubernetesVersion);
  const kubeBinary = path.join(path.dirname(binDir), 'kube');
  // CoreDNS runs on the node as a host process, next to kube-proxy (kind-cluster-provider.ts).
  const corednsBinary = await ensureCoreDnsBinary(log);
  // The stand-ins first (cached, so fast when warm): their manifests are part of the node's key.
  const imagesConfig = await loadImagesConfig();
  const standIns = registryImages(await buildStandIns(imagesConfig, log));
  const sources = await Promise.all([new URL(import.meta.url), new URL('./node-files.ts', import.meta.url), registryServerPath,
    new URL('../../images/image-reference.ts', import.meta.url)].map((f) => readFile(f, 'utf8')));
  const key = sha([await readFile(path.join(path.dirname(binDir), 'key'), 'utf8'), await readFile(path.join(path.dirname(corednsBinary), 'key'), 'utf8'),
    debianPackages.join(','), JSON.stringify(standIns),
    process.version, ...sources].join('\n'));
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
    await put('usr/local/bin/lesson-node-init', files.nodeInitScript([...new Set([...standInRegistries(imagesConfig.images), 'registry.k8s.io'])].sort()), 0o755);
    await put('etc/containerd/config.toml', files.containerdConfig);
    await put('etc/cni/net.d/10-kind.conflist', files.cniConflist);
    for (const [unit, text] of Object.entries(files.units)) await put(`etc/systemd/system/${unit}`, text);
    await put('kind/version', `${kubernetesVersion}\n`);
    await put('kind/manifests/default-cni.yaml', files.defaultCniManifest);
    await put('kind/manifests/default-storage.yaml', files.defaultStorageManifest);
    await mkdir(path.join(context, 'usr/local/bin'), { recursive: true });
    await copyFile(kubeBinary, path.join(context, 'usr/local/bin/kube'));
    await copyFile(corednsBinary, path.join(context, 'usr/local/bin/coredns'));

    log('  preloading the images (control plane, etcd, pause, lesson stand-ins) and the registry server…');
    // Control-plane images go straight into the node's store (rebuilt with the node image only);
    // the stand-ins come from the build cache.
    const nodeStore = path.join(context, files.imagesDir);
    const images = [...await controlPlaneImages(kubeBinary, path.join(work, 'cp'), nodeStore), ...standIns];
    await copyBlobs(imagesCacheDir(), standIns.map((i) => i.manifest), nodeStore);
    await put(`${files.imagesDir.slice(1)}/registry.json`, JSON.stringify({ ...files.registryServerConfig, images }, null, 2));
    // The project's own Node (type stripping runs the .ts files as they are; they import only node:*).
    await copyFile(process.execPath, path.join(context, 'usr/local/bin/node'));
    for (const file of [registryServerPath, fileURLToPath(new URL('../../images/image-reference.ts', import.meta.url))]) {
      await put(`${files.registryServerDir.slice(1)}/${path.basename(file)}`, await readFile(file, 'utf8'));
    }

    await put('Dockerfile', `FROM ${base}
COPY . /
RUN ln -sf /usr/local/bin/kube /usr/bin/kubeadm && ln -sf /usr/local/bin/kube /usr/bin/kubelet && ln -sf /usr/local/bin/kube /usr/bin/kubectl \\
 && ln -sf /usr/local/bin/kube /usr/bin/kube-proxy \\
 && rm -f /Dockerfile \\
 && systemctl enable containerd lesson-node-init lesson-registry kubelet \\
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
