// Which containerd each Kubernetes version runs with, in one place: the local cluster runs it on
// the host, the kind node image carries it. Each rule names the version that changed and the
// upstream source. Everything else (flags, configuration files) is the same for every pinned
// version — checked against each version's sources when it was pinned.
import { kubernetesMinor, loadKubernetesVersionPins, type KubernetesVersionPins } from '../../config/kubernetes-versions.ts';

export type ContainerdChoice =
  /** Debian's containerd 1.6 and its shim: the host's (apt, scripts/setup.sh), or the kind node's own Debian package. */
  | { source: 'host' }
  /** A containerd 2 built from the Go module proxy (scripts/build-containerd.sh), with its own shim. */
  | { source: 'built'; version: string };

export interface ContainerdSettings {
  containerd: ContainerdChoice;
  /**
   * containerd's configuration format: 2 for containerd 1.x (it knows no other); 4 for the built
   * containerd v2.3 (3 came with 2.0: the CRI plugin split into io.containerd.cri.v1.images,
   * io.containerd.cri.v1.runtime and io.containerd.grpc.v1.cri; 4 came with 2.3: the [grpc], [ttrpc],
   * [debug] and [metrics] servers became io.containerd.server.v1.* plugins, cmd/containerd/server/
   * config/config.go serviceMigrate). Older versions are read but migrated on every start, with a warning.
   */
  containerdConfigVersion: 2 | 4;
}

/**
 * containerd 2 from Kubernetes 1.36 on: containerd's RELEASES.md ("Kubernetes Support", v2.4.2)
 * recommends 2.3.0+ or 2.2.0+ for 1.36 and 2.4.0+ or 2.3.0+ for 1.37, no 1.x release for either
 * (for 1.35: 2.2.0+, 2.1.5+ or 1.7.28+). Kubernetes deprecated containerd 1.x in 1.34 and names 1.36
 * the last minor to support it (kubernetes/kubeadm#3229). What containerd 1.x lacks is the
 * RuntimeConfig CRI call (the cgroup driver); the kubelet still falls back to its own cgroupDriver
 * in v1.37.2 (cmd/kubelet/app/server.go getCgroupDriverFromCRI, whose metric cri_losing_support
 * announces the removal for "1.38.0"; kubernetes/kubernetes#136731 removes the fallback).
 * Up to 1.35 Debian's containerd 1.6.20 is kept, so the v1.34 path stays as it was.
 */
export const builtContainerdSinceMinor = 36;

// Not a per-version rule, but a version change: from 1.35 the kubelet refuses cgroup v1 hosts
// unless its configuration says failCgroupV1: false (KEP-5573, kubernetes/kubernetes#134298).
// The field exists since 1.31, so kubeletConfigYaml sets it for every pinned version.

export function containerdSettings(version: string, pins: KubernetesVersionPins = loadKubernetesVersionPins()): ContainerdSettings {
  const built = kubernetesMinor(version) >= builtContainerdSinceMinor;
  return {
    containerd: built ? { source: 'built', version: pins.containerd } : { source: 'host' },
    containerdConfigVersion: built ? 4 : 2,
  };
}
