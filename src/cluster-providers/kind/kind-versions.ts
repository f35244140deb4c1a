// What the kind provider does per Kubernetes version, in one place: the tag of the offline node
// image, the etcd image tag that image carries, kind's published node images pinned by digest,
// and which image a run uses (LESSON_HARNESS_KIND_IMAGE). Which containerd a version needs is
// shared with the local cluster (../containerd/containerd-settings.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { kubernetesMinor, pinnedKubernetesVersions, type KubernetesVersionPins } from '../../config/kubernetes-versions.ts';
import { projectRoot } from '../../config/project-root.ts';
import { HarnessError } from '../../errors/harness-error.ts';

/** The project's own node image of a version, built offline (node-image.ts). */
export const offlineNodeImage = (version: string): string => `lesson-harness/kind-node:${version}`;

/**
 * kind's published node images, one per minor, pinned by digest. All four come from the release
 * notes of kind v0.33.0 (https://github.com/kubernetes-sigs/kind/releases/tag/v0.33.0, "Images
 * pre-built for this release"): one kind release for all, since kind supports a node image only
 * with the release that built it, and a tag on Docker Hub may be rebuilt; the digest may not.
 * Those notes' first line says "defaults to Kubernetes 1.36.1" while naming v1.37.0 as the default
 * image (the same words as v0.32.0's notes); the image list is what is used here. The
 * snapshot of kind's repository read when pinning (main of 2026-08-21, whose
 * pkg/apis/config/defaults/image.go then named v1.37.0-rc.1) predates v0.33.0, so these digests
 * could not be checked against it. Change them all together, from one release's notes.
 */
export const publishedNodeImages: Readonly<Record<string, string>> = {
  '1.34': 'kindest/node:v1.34.11@sha256:44e222ee2132dab25ff87301682f89eb82c7880ea3a1bf543bfe9708fd08d67d',
  '1.35': 'kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0',
  '1.36': 'kindest/node:v1.36.4@sha256:099e049362a1526b2db71494e1947aae99bd16290d7c895f2b7ea312e3cbfaed',
  '1.37': 'kindest/node:v1.37.0@sha256:a1ed56cfb0e7b93589bdf97c8cd566405a265939e3620fc4f5de89adff580ae5',
};

const minorOf = (version: string): string => `1.${kubernetesMinor(version)}`;

/** kind's published node image of the minor of `version`; refused, naming the others, when kind published none. */
export function publishedNodeImage(version: string): string {
  const image = publishedNodeImages[minorOf(version)];
  if (!image) {
    throw new TypeError(`Expected a Kubernetes minor that kind publishes a node image for (pinned: ${Object.keys(publishedNodeImages).join(', ')}), got ${version} with LESSON_HARNESS_KIND_IMAGE=published. Unset LESSON_HARNESS_KIND_IMAGE to build the offline node image of ${version}.`);
  }
  return image;
}

/**
 * The etcd image tag of a version's offline node image: the etcd its build runs, which is the
 * go.etcd.io/etcd/server/v3 that the version's module file requires (scripts/kubernetes/v1.<minor>.mod),
 * with kubeadm's "-0" image suffix. The kubeadm configuration names this tag (etcd.local.imageTag),
 * so kubeadm never asks for an image the node lacks. kubeadm's own choice differs for two pinned
 * versions (cmd/kubeadm/app/constants/constants.go, DefaultEtcdVersion): 3.6.5-0 for v1.34.12 and
 * 3.6.6-0 for v1.35.4, whose modules require etcd 3.6.4 and 3.6.5; v1.36.3 (3.6.8) and v1.37.2
 * (3.7.0) agree with kubeadm.
 */
export function etcdImageTagFromModule(moduleFile: string): string {
  const match = /^\s*go\.etcd\.io\/etcd\/server\/v3 v(\d+\.\d+\.\d+)\s*$/m.exec(moduleFile);
  if (!match) throw new TypeError('Expected the module file to require go.etcd.io/etcd/server/v3 at a release version (scripts/kubernetes/generate-module.sh adds it)');
  return `${match[1] ?? ''}-0`;
}

export function etcdImageTag(version: string): string {
  return etcdImageTagFromModule(readFileSync(path.join(projectRoot, 'scripts', 'kubernetes', `v${minorOf(version)}.mod`), 'utf8'));
}

/** The node image a kind cluster starts, and the pinned version whose kubectl the lessons use. */
export type KindImageChoice =
  | { source: 'offline'; image: string; kubernetesVersion: string }
  | { source: 'published'; image: string; kubernetesVersion: string }
  /** An image named in LESSON_HARNESS_KIND_IMAGE: its version is known once it runs (/kind/version). */
  | { source: 'given'; image: string };

/**
 * `version`: the one version of this run (resolved from `--kubernetes`, LESSON_HARNESS_KUBERNETES
 * or the pinned default); `asked`: whether a version was asked for at all. `image`:
 * LESSON_HARNESS_KIND_IMAGE — unset for the offline image, `published` for kind's image of the
 * same minor, else an image reference, which runs its own version and so takes none.
 */
export function chooseKindImage(version: string, asked: boolean, image: string | undefined): KindImageChoice {
  if (image === undefined || image === '') return { source: 'offline', image: offlineNodeImage(version), kubernetesVersion: version };
  if (image === 'published') return { source: 'published', image: publishedNodeImage(version), kubernetesVersion: version };
  if (asked) {
    throw new TypeError(`Expected no Kubernetes version (--kubernetes, LESSON_HARNESS_KUBERNETES) with LESSON_HARNESS_KIND_IMAGE=${image}: that image runs its own version. Unset LESSON_HARNESS_KIND_IMAGE for the offline node image of a version, or set it to \`published\` for kind's.`);
  }
  return { source: 'given', image };
}

/**
 * The kubectl for lessons on a node that runs `nodeVersion` (its /kind/version): the version asked
 * for, whose minor the offline or published node must run (a wrong entry in the published table
 * is refused here, not met as odd failures later; a published node may run another patch). A node
 * given by reference gets the pinned patch of its minor, else the pinned default's kubectl.
 */
export function kubectlForNode(choice: KindImageChoice, nodeVersion: string, pins: KubernetesVersionPins): string {
  if (choice.source !== 'given') {
    if (kubernetesMinor(nodeVersion) !== kubernetesMinor(choice.kubernetesVersion)) {
      throw new HarnessError(`the node image ${choice.image} runs Kubernetes ${nodeVersion}, not ${minorOf(choice.kubernetesVersion)} as asked`, { fix: 'correct the image of that minor in src/cluster-providers/kind/kind-versions.ts (publishedNodeImages)' });
    }
    return choice.kubernetesVersion;
  }
  return pinnedKubernetesVersions(pins).filter((v) => kubernetesMinor(v) === kubernetesMinor(nodeVersion)).at(-1) ?? pins.default;
}
