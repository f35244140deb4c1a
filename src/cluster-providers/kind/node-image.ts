// Builds, offline, a node image per Kubernetes version that boots the way a kindest/node image
// boots: a Debian bookworm rootfs (debootstrap) with systemd, containerd, runc and CNI plugins;
// kubeadm, kubelet and kubectl from the project's own build of that version; from Kubernetes 1.36
// the project's containerd 2 build in place of Debian's 1.6 (../containerd/containerd-settings.ts);
// and the control-plane, etcd, pause and lesson images preloaded: their blobs sit in /kind/images,
// where the project's registry server (src/images/registry-server.ts) serves them on the node's
// loopback, so no pull leaves the node.
import { createHash } from 'node:crypto';
import { access, chmod, copyFile, link, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { defaults } from '../../config/defaults.ts';
import { HarnessError } from '../../errors/harness-error.ts';
import { ensureContainerdBinaries, ensureCoreDnsBinary, ensureKubernetesBinaries } from '../kubernetes-binaries.ts';
import { containerdSettings } from '../containerd/containerd-settings.ts';
import { blobPath, putImage, putLayer } from '../../images/blob-store.ts';
import { buildStandIns, imagesCacheDir, registryImages } from '../../images/build-stand-ins.ts';
import { loadImagesConfig, standInRegistries } from '../../images/images-config.ts';
import { registryServerPath } from '../../images/registry-server.ts';
import * as files from './node-files.ts';
import { etcdImageTag, offlineNodeImage } from './kind-versions.ts';

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
async function controlPlaneImages(kubernetesVersion: string, kubeBinary: string, work: string, store: string): Promise<{ image: string; manifest: string }[]> {
  const shared = path.join(work, 'kube-layer');
  await mkdir(path.join(shared, 'usr/local/bin'), { recursive: true });
  await copyFile(kubeBinary, path.join(shared, 'usr/local/bin/kube'));
  const kubeLayer = await putLayer(store, shared);
  const images = [
    ...['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c) => ({ component: c, ref: `${c}:${kubernetesVersion}` })),
    { component: 'etcd', ref: `etcd:${etcdImageTag(kubernetesVersion)}` },
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

/** The offline node image of `kubernetesVersion` (a pinned version), built unless Docker has it up to date. */
export async function buildNodeImage(kubernetesVersion: string, log: (line: string) => void): Promise<string> {
  const nodeImage = offlineNodeImage(kubernetesVersion);
  const containerd = containerdSettings(kubernetesVersion);
  const binDir = await ensureKubernetesBinaries(log, kubernetesVersion);
  // The built containerd's folder holds containerd, containerd-shim-runc-v2 and ctr.
  const builtContainerd = containerd.containerd.source === 'built' ? await ensureContainerdBinaries(log, containerd.containerd.version) : undefined;
  const kubeBinary = path.join(path.dirname(binDir), 'kube');
  // CoreDNS runs on the node as a host process, next to kube-proxy (kind-cluster-provider.ts).
  const corednsBinary = await ensureCoreDnsBinary(log);
  // The stand-ins first (cached, so fast when warm): their manifests are part of the node's key.
  const imagesConfig = await loadImagesConfig();
  const standIns = registryImages(await buildStandIns(imagesConfig, log));
  const sources = await Promise.all([new URL(import.meta.url), new URL('./node-files.ts', import.meta.url), registryServerPath,
    new URL('../../images/image-reference.ts', import.meta.url), new URL('../containerd/cri-config.ts', import.meta.url)].map((f) => readFile(f, 'utf8')));
  // The key names everything the image is made of: the version's build, the containerd choice
  // (and the build of a built one), CoreDNS, the Debian packages, the stand-ins, this code.
  const key = sha([kubernetesVersion, await readFile(path.join(path.dirname(binDir), 'key'), 'utf8'), await readFile(path.join(path.dirname(corednsBinary), 'key'), 'utf8'),
    JSON.stringify(containerd), builtContainerd ? await readFile(path.join(path.dirname(builtContainerd), 'key'), 'utf8') : 'debian containerd',
    etcdImageTag(kubernetesVersion), debianPackages.join(','), JSON.stringify(standIns),
    process.version, ...sources].join('\n'));
  const inspect = await execa('docker', ['image', 'inspect', '--format', '{{ index .Config.Labels "lesson-harness.key" }}', nodeImage], { reject: false });
  if (inspect.exitCode === 0 && inspect.stdout.trim() === key) {
    log(`  node image ${nodeImage}: up to date`);
    return nodeImage;
  }
  log(`  building node image ${nodeImage} (${containerd.containerd.source === 'built' ? `containerd ${containerd.containerd.version}, built` : 'Debian\'s containerd'})…`);
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
    await put('etc/containerd/config.toml', files.containerdConfig(containerd.containerdConfigVersion));
    await put('etc/cni/net.d/10-kind.conflist', files.cniConflist);
    for (const [unit, text] of Object.entries(files.units)) await put(`etc/systemd/system/${unit}`, text);
    await put('kind/version', `${kubernetesVersion}\n`);
    await put('kind/manifests/default-cni.yaml', files.defaultCniManifest);
    await put('kind/manifests/default-storage.yaml', files.defaultStorageManifest);
    await mkdir(path.join(context, 'usr/local/bin'), { recursive: true });
    await copyFile(kubeBinary, path.join(context, 'usr/local/bin/kube'));
    await copyFile(corednsBinary, path.join(context, 'usr/local/bin/coredns'));
    if (builtContainerd) {
      for (const binary of ['containerd', 'containerd-shim-runc-v2', 'ctr']) await copyFile(path.join(builtContainerd, binary), path.join(context, 'usr/local/bin', binary));
      await put('etc/systemd/system/containerd.service.d/10-built-containerd.conf', files.builtContainerdDropIn);
    }

    log('  preloading the images (control plane, etcd, pause, lesson stand-ins) and the registry server…');
    // Control-plane images go straight into the node's store (rebuilt with the node image only);
    // the stand-ins come from the build cache.
    const nodeStore = path.join(context, files.imagesDir);
    const images = [...await controlPlaneImages(kubernetesVersion, kubeBinary, path.join(work, 'cp'), nodeStore), ...standIns];
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
