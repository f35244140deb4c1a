// Files of the kind-compatible node image that the project builds offline (see node-image.ts):
// kind's layout (/kind/version, /kind/manifests, kubelet unit with the kubeadm drop-in) plus what
// these machines need (no --privileged, no registry: a TLS registry on the node's own loopback that
// serves the stand-in images for any tag, as the local cluster's does).
import { criPluginToml, criPluginTomlV3 } from '../containerd/cri-config.ts';

export const registryPort = 5000;
/** Where the node keeps its images (the blob store and the registry's configuration). */
export const imagesDir = '/kind/images';
export const registryServerDir = '/usr/local/lib/lesson-registry';

/** PID 1 of the node: fixes an unprivileged container up for systemd and the kubelet, then becomes init. */
export const entrypoint = `#!/bin/bash
# Entry point of the lesson-harness kind node. The container is not --privileged (these hosts lack
# CAP_SYS_RESOURCE, which --privileged demands), so do by hand what kind's entrypoint relies on.
set -euo pipefail
# /sys and /proc/sys come read-only without --privileged; the kubelet writes sysctls and cgroups.
mount -o remount,rw /sys 2>/dev/null || true
mount -o remount,rw /proc/sys 2>/dev/null || true
mount --make-rshared /
# The kubelet's OOM watcher opens /dev/kmsg, which an unprivileged container does not get.
[[ -e /dev/kmsg ]] || ln -s /dev/console /dev/kmsg
# cgroup v1 with the host's hierarchy bound in (no cgroup namespaces on v1): make each controller
# show this container's own cgroup as its root, and keep the full path valid too (bound back onto
# itself), since systemd and the kubelet compute paths from /proc/self/cgroup, which keeps it.
if [[ ! -f /sys/fs/cgroup/cgroup.controllers ]]; then
  declare -A seen
  while IFS=: read -r _ controllers path; do
    [[ -z "$path" || "$path" == "/" ]] && continue
    for c in \${controllers//,/ } \${controllers:-unified}; do
      mnt=/sys/fs/cgroup/\${c#name=}
      [[ -n "\${seen[$mnt]:-}" || ! -d "$mnt$path" ]] && continue
      seen[$mnt]=1
      mount --bind "$mnt$path" "$mnt"
      mkdir -p "$mnt$path"
      mount --bind "$mnt" "$mnt$path"
    done
  done < /proc/self/cgroup
fi
echo "lesson-harness node: booting systemd"
exec /sbin/init
`;

/**
 * Runs once at boot, before containerd and the registry: a CA, a serving cert and a password per
 * node, and a hosts.toml sending each upstream registry's pulls to the node's own registry.
 */
export function nodeInitScript(upstreamRegistries: string[]): string {
  return `#!/bin/bash
set -euo pipefail
dir=/etc/lesson-registry
mkdir -p "$dir" /etc/containerd/certs.d
umask 077
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=lesson-node-registry \\
  -addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout "$dir/tls.key" -out "$dir/tls.crt" 2>/dev/null
password=$(head -c 18 /dev/urandom | base64 | tr -d '/+=')
echo "lesson-harness:$password" > "$dir/credentials"
for upstream in ${upstreamRegistries.join(' ')}; do
  mkdir -p "/etc/containerd/certs.d/$upstream"
  printf 'server = "https://%s"\\n\\n[host."https://127.0.0.1:${registryPort}"]\\n  capabilities = ["pull", "resolve"]\\n  ca = "%s"\\n' "$upstream" "$dir/tls.crt" > "/etc/containerd/certs.d/$upstream/hosts.toml"
done
sed -i "s|@REGISTRY_PASSWORD@|$password|" /etc/containerd/config.toml
`;
}

/** The registry server's configuration in the node (its images are added by node-image.ts). */
export const registryServerConfig = {
  host: '127.0.0.1', port: registryPort, cert: '/etc/lesson-registry/tls.crt', key: '/etc/lesson-registry/tls.key',
  credentialsFile: '/etc/lesson-registry/credentials', store: imagesDir,
};

/**
 * containerd's configuration in the format of the containerd the node runs
 * (../containerd/containerd-settings.ts): 2 for Debian's 1.6, 4 for the built 2.x. The CRI part is
 * the local cluster's (../containerd/cri-config.ts); the servers keep their default addresses
 * (/run/containerd/containerd.sock), where kubeadm's criSocket points.
 */
export function containerdConfig(configVersion: 2 | 4): string {
  const cri = {
    sandboxImage: 'registry.k8s.io/pause:3.10.1', systemdCgroup: true, cniBinDir: '/usr/lib/cni', cniConfDir: '/etc/cni/net.d',
    certsDir: '/etc/containerd/certs.d',
    // The password is made per node at boot by lesson-node-init.
    registry: { host: `127.0.0.1:${registryPort}`, user: 'lesson-harness', password: '@REGISTRY_PASSWORD@' },
  };
  return `version = ${configVersion}\n${configVersion === 4 ? criPluginTomlV3(cri) : criPluginToml(cri)}`;
}

/**
 * For a node with the built containerd (in /usr/local/bin, with its shim and ctr): Debian's unit
 * runs /usr/bin/containerd, the package's 1.6, which stays in the rootfs (the rootfs is shared by
 * every version); the shim is found first on systemd's PATH, where /usr/local/bin comes first.
 */
export const builtContainerdDropIn = `[Service]
ExecStart=
ExecStart=/usr/local/bin/containerd
`;

export const units: Record<string, string> = {
  'lesson-node-init.service': `[Unit]
Description=lesson-harness node: registry credentials and containerd registry hosts
Before=containerd.service lesson-registry.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/bin/lesson-node-init
[Install]
WantedBy=multi-user.target
`,
  // The same read-only registry server as the local cluster's (src/images/registry-server.ts),
  // run by the project's Node binary; it is up (port open) before the kubelet starts.
  'lesson-registry.service': `[Unit]
Description=lesson-harness node: image registry on 127.0.0.1:${registryPort}
After=lesson-node-init.service
Requires=lesson-node-init.service
Before=kubelet.service
[Service]
ExecStart=/usr/local/bin/node ${registryServerDir}/registry-server.ts ${imagesDir}/registry.json
ExecStartPost=/bin/bash -c 'for i in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/${registryPort}) 2>/dev/null && exit 0; sleep 0.1; done; exit 1'
Restart=always
[Install]
WantedBy=multi-user.target
`,
  // kind's kubelet unit and kubeadm drop-in, in substance.
  'kubelet.service': `[Unit]
Description=kubelet: The Kubernetes Node Agent
After=containerd.service lesson-registry.service
Wants=containerd.service
[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=1s
[Install]
WantedBy=multi-user.target
`,
  'kubelet.service.d/10-kubeadm.conf': `[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`,
};

/** Pods get a bridge network from the node's own CNI configuration (lessons need no more). */
export const cniConflist = JSON.stringify({
  cniVersion: '1.0.0', name: 'kind',
  plugins: [
    // A default route to the node, where Service traffic is proxied (kube-proxy on the node);
    // hairpin lets a pod reach itself through its own Service.
    { type: 'bridge', bridge: 'kind0', isGateway: true, ipMasq: true, hairpinMode: true,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.0.0/24' }]], routes: [{ dst: '0.0.0.0/0' }] } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
}, null, 2);

// kind applies these after kubeadm init. This image's CNI is the static bridge above, so the
// CNI manifest only records that; there is no dynamic storage provisioner, only the class name.
export const defaultCniManifest = `apiVersion: v1
kind: ConfigMap
metadata:
  name: lesson-harness-cni
  namespace: kube-system
data:
  cni: "static bridge configuration in /etc/cni/net.d of the node image"
`;
export const defaultStorageManifest = `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: standard
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
`;
