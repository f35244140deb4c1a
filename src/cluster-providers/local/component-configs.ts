// Configuration files and command lines of the local cluster's components: pure functions of the
// layout, so that what the cluster runs with can be read (and unit-tested) in one place.
import YAML from 'yaml';
import { clusterDomain, type ClusterDnsOptions } from '../cluster-network/cluster-dns.ts';
import { kubeProxyConfigYaml } from '../cluster-network/kube-proxy-config.ts';
import { criPluginToml, criPluginTomlV3 } from '../containerd/cri-config.ts';
import type { LocalLayout } from './layout.ts';
import type { Pki } from './pki.ts';
import type { RegistryServerConfig } from '../../images/registry-server.ts';

export const sandboxImage = 'registry.k8s.io/pause:3.10.1';
export const serviceClusterIpRange = '10.0.0.0/24';
/** The kube-dns Service's ClusterIP (the tenth address, as kubeadm picks it). */
export const clusterDnsIp = '10.0.0.10';

export function kubeconfigYaml(opts: { server: string; caFile: string; certFile: string; keyFile: string; user: string }): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'lesson-harness', cluster: { server: opts.server, 'certificate-authority': opts.caFile } }],
    users: [{ name: opts.user, user: { 'client-certificate': opts.certFile, 'client-key': opts.keyFile } }],
    contexts: [{ name: 'lesson-harness', context: { cluster: 'lesson-harness', user: opts.user } }],
    'current-context': 'lesson-harness',
  });
}

// The registry's CA is trusted through hosts.toml (containerd refuses configs.tls next to config_path);
// its credentials can only be given here.
export function containerdConfigToml(l: LocalLayout, pki: Pki, registryAuth: { user: string; password: string }, configVersion: 2 | 4 = 2): string {
  const registryHost = `127.0.0.1:${l.ports.registry}`;
  // netns_mounts_under_state_dir keeps network namespaces inside our state directory, so teardown
  // never has to guess which netns are ours. The streaming server (exec, attach, port-forward) gets
  // a certificate from the cluster CA: without one containerd makes a self-signed certificate that
  // the kubelet, which dials it with Go's default TLS configuration, rightly refuses (see
  // kubeletEnvironment).
  const registry = { host: registryHost, ...registryAuth };
  const netns = 'netns_mounts_under_state_dir = true';
  const streaming = ['enable_tls_streaming = true', 'stream_server_address = "127.0.0.1"', `stream_server_port = "${l.ports.containerdStream}"`,
    `x509_key_pair_streaming = { tls_cert_file = "${pki.cert('containerd-stream')}", tls_key_file = "${pki.key('containerd-stream')}" }`];
  const common = { sandboxImage, systemdCgroup: false, cniBinDir: '/usr/lib/cni', cniConfDir: l.cni.confDir, certsDir: l.containerd.certsDir, registry };
  const head = `version = ${configVersion}
root = "${l.containerd.root}"
state = "${l.containerd.state}"
disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
`;
  if (configVersion === 4) {
    // Version 4 moves the servers into plugins; the ttrpc address is no longer derived from the
    // gRPC one, so without it containerd would take /run/containerd/containerd.sock.ttrpc.
    return `${head}
[plugins.'io.containerd.server.v1.grpc']
  address = "${l.containerd.socket}"
[plugins.'io.containerd.server.v1.ttrpc']
  address = "${l.containerd.socket}.ttrpc"
[plugins.'io.containerd.server.v1.debug']
  address = ""
[plugins.'io.containerd.server.v1.metrics']
  address = ""
${criPluginTomlV3({ ...common, runtimeExtra: [netns], serverExtra: streaming })}`;
  }
  return `${head}
[grpc]
  address = "${l.containerd.socket}"

[ttrpc]
  address = "${l.containerd.socket}.ttrpc"

[debug]
  address = ""

[metrics]
  address = ""

${criPluginToml({ ...common, extra: [netns, ...streaming] })}`;
}

/** hosts.toml sending pulls for an upstream registry to the local one; upstream is never tried. */
export function registryHostsToml(upstream: string, l: LocalLayout, pki: Pki): string {
  const server = upstream === 'docker.io' ? 'https://registry-1.docker.io' : `https://${upstream}`;
  return `server = "${server}"

[host."https://127.0.0.1:${l.ports.registry}"]
  capabilities = ["pull", "resolve"]
  ca = "${pki.caCert}"
`;
}

export function cniConflist(l: LocalLayout): string {
  // The bridge and its gateway address are made by the provider before containerd starts
  // (cluster-netns.ts), because cluster DNS listens there. isGateway stays false: with it the
  // plugin would switch on forwarding for the whole host (net.ipv4.ip_forward); instead pods get a
  // default route to the bridge through IPAM, and forwarding is on for the bridge alone. No ipMasq,
  // no portmap: pods reach Services and DNS on this host, never the outside.
  // hairpinMode lets a pod reach itself through its own Service.
  return JSON.stringify({
    cniVersion: '1.0.0',
    name: 'lesson-harness',
    plugins: [
      {
        type: 'bridge',
        bridge: l.cni.bridge,
        isGateway: false,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          ranges: [[{ subnet: l.cni.subnet, gateway: l.cni.gateway }]],
          routes: [{ dst: '0.0.0.0/0', gw: l.cni.gateway }],
          dataDir: l.cni.ipamDir,
        },
      },
    ],
  }, null, 2);
}

/**
 * The kubelet dials containerd's streaming server with Go's default TLS configuration (the system
 * roots; upstream pkg/kubelet/server proxyStream). Go reads its roots from SSL_CERT_FILE and every
 * file in SSL_CERT_DIR: both point at a directory holding only the cluster CA. The kubelet makes
 * no other connection that relies on system roots (its kubeconfig names the CA, and containerd
 * pulls images), so its trust narrows rather than widens.
 */
export function kubeletEnvironment(trustDir: string): Record<string, string> {
  return { SSL_CERT_FILE: `${trustDir}/ca.crt`, SSL_CERT_DIR: trustDir };
}

export function kubeletConfigYaml(l: LocalLayout, pki: Pki): string {
  return YAML.stringify({
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    address: '127.0.0.1',
    port: l.ports.kubelet,
    readOnlyPort: 0,
    healthzPort: 0,
    authentication: { anonymous: { enabled: false }, webhook: { enabled: true }, x509: { clientCAFile: pki.caCert } },
    authorization: { mode: 'Webhook' },
    tlsCertFile: pki.cert('kubelet-serving'),
    tlsPrivateKeyFile: pki.key('kubelet-serving'),
    rotateCertificates: false,
    serverTLSBootstrap: false,
    cgroupDriver: 'cgroupfs',
    cgroupRoot: l.cgroupRoot,
    failCgroupV1: false,
    failSwapOn: false,
    containerRuntimeEndpoint: `unix://${l.containerd.socket}`,
    // Not the default /var/log/pods: every kubelet removes the log directories there of pods it
    // does not know, so two clusters on one host (a lesson run beside a provider test) would
    // delete each other's pod logs and `kubectl logs` would fail.
    podLogsDir: l.kubelet.podLogs,
    // Without CAP_SYS_RESOURCE a negative score is refused; 0 keeps the kubelet from logging it forever.
    oomScoreAdj: 0,
    // Eviction would start deleting lesson pods on a host with a fairly full disk; an ephemeral
    // cluster has nothing to protect, so only near-exhaustion counts.
    evictionHard: { 'memory.available': '100Mi', 'nodefs.available': '1%', 'imagefs.available': '1%', 'nodefs.inodesFree': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    clusterDomain,
    clusterDNS: [clusterDnsIp],
    resolvConf: '/etc/resolv.conf',
    // Status reaches the API sooner: lesson timelines are more precise and exercises end earlier.
    nodeStatusReportFrequency: '10s',
    syncFrequency: '10s',
    fileCheckFrequency: '60s',
    staticPodPath: '',
    serializeImagePulls: false,
    enableServer: true,
  });
}

/** The local cluster's kube-proxy: NodePorts on the bridge's gateway address only. */
export function localKubeProxyConfigYaml(l: LocalLayout, kubeconfig: string): string {
  return kubeProxyConfigYaml({
    kubeconfig, nodeName: 'localhost', clusterCidr: l.cni.subnet, nodePortAddresses: [`${l.cni.gateway}/32`],
    healthzBindAddress: `127.0.0.1:${l.ports.kubeProxyHealthz}`, metricsBindAddress: `127.0.0.1:${l.ports.kubeProxyMetrics}`,
  });
}

/**
 * The local cluster's DNS listens on the bridge's gateway address: the one address the pods can
 * reach, which nothing outside this host routes to (see README, "Security").
 */
export function localClusterDns(l: LocalLayout, kubeconfig: string): ClusterDnsOptions {
  return { serviceIp: clusterDnsIp, listenIp: l.cni.gateway, readyAddress: `127.0.0.1:${l.ports.corednsReady}`, kubeconfig };
}

export function schedulerConfigYaml(kubeconfig: string): string {
  return YAML.stringify({
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig },
    leaderElection: { leaderElect: false },
  });
}

/** The stand-in registry's configuration (src/images/registry-server.ts): what it serves, and how. */
export function registryServerConfig(l: LocalLayout, pki: Pki, store: string, images: RegistryServerConfig['images']): RegistryServerConfig {
  return {
    host: '127.0.0.1', port: l.ports.registry, cert: pki.cert('registry'), key: pki.key('registry'),
    credentialsFile: l.registry.credentials, store, images,
  };
}

export interface ComponentCommand {
  name: string;
  args: string[];
}

/** The command lines of the Kubernetes components (run through the multi-call binary). */
export function kubernetesCommands(l: LocalLayout, pki: Pki, sa: { privateKey: string; publicKey: string }, advertiseAddress: string): ComponentCommand[] {
  const kc = (name: string): string => `${l.kubeconfigs}/${name}.kubeconfig`;
  const p = l.ports;
  return [
    {
      name: 'etcd',
      args: [
        '--name=lesson-harness', `--data-dir=${l.etcdData}`,
        `--listen-client-urls=https://127.0.0.1:${p.etcdClient}`, `--advertise-client-urls=https://127.0.0.1:${p.etcdClient}`,
        `--listen-peer-urls=https://127.0.0.1:${p.etcdPeer}`, `--initial-advertise-peer-urls=https://127.0.0.1:${p.etcdPeer}`,
        `--initial-cluster=lesson-harness=https://127.0.0.1:${p.etcdPeer}`,
        '--listen-metrics-urls=',
        `--cert-file=${pki.cert('etcd-server')}`, `--key-file=${pki.key('etcd-server')}`, `--trusted-ca-file=${pki.caCert}`, '--client-cert-auth',
        `--peer-cert-file=${pki.cert('etcd-server')}`, `--peer-key-file=${pki.key('etcd-server')}`, `--peer-trusted-ca-file=${pki.caCert}`, '--peer-client-cert-auth',
        // The cluster lives for one run: durability buys nothing and fsync costs seconds on start.
        '--unsafe-no-fsync', '--log-level=warn',
      ],
    },
    {
      name: 'kube-apiserver',
      args: [
        `--etcd-servers=https://127.0.0.1:${p.etcdClient}`, `--etcd-cafile=${pki.caCert}`,
        `--etcd-certfile=${pki.cert('apiserver-etcd-client')}`, `--etcd-keyfile=${pki.key('apiserver-etcd-client')}`,
        '--bind-address=127.0.0.1', `--secure-port=${p.apiserver}`, `--advertise-address=${advertiseAddress}`,
        `--tls-cert-file=${pki.cert('apiserver')}`, `--tls-private-key-file=${pki.key('apiserver')}`, `--client-ca-file=${pki.caCert}`,
        '--authorization-mode=Node,RBAC', '--anonymous-auth=false',
        `--service-account-key-file=${sa.publicKey}`, `--service-account-signing-key-file=${sa.privateKey}`,
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        `--service-cluster-ip-range=${serviceClusterIpRange}`,
        `--kubelet-client-certificate=${pki.cert('apiserver-kubelet-client')}`, `--kubelet-client-key=${pki.key('apiserver-kubelet-client')}`,
        `--kubelet-certificate-authority=${pki.caCert}`,
        // The kubelet listens on 127.0.0.1 only; its node is named "localhost" so this resolves there.
        '--kubelet-preferred-address-types=Hostname',
        // Nothing serves on the advertised address, so keep it out of the kubernetes Service.
        '--endpoint-reconciler-type=none',
        '--allow-privileged=true', '--profiling=false',
      ],
    },
    {
      name: 'kube-controller-manager',
      args: [
        `--kubeconfig=${kc('controller-manager')}`, `--authentication-kubeconfig=${kc('controller-manager')}`,
        `--authorization-kubeconfig=${kc('controller-manager')}`,
        '--bind-address=127.0.0.1', `--secure-port=${p.controllerManager}`, `--cert-dir=${l.root}/controller-manager`,
        '--controllers=*', '--leader-elect=false', '--use-service-account-credentials=true',
        `--service-account-private-key-file=${sa.privateKey}`, `--root-ca-file=${pki.caCert}`,
        `--cluster-signing-cert-file=${pki.caCert}`, `--cluster-signing-key-file=${pki.caKey}`,
        `--service-cluster-ip-range=${serviceClusterIpRange}`, '--profiling=false',
        // Its client's rate limit (20 requests/s, burst 30) paces the start: each controller's
        // ServiceAccount and token cost three requests, so ~40 controllers started 150 ms apart,
        // and informers (the ServiceAccount controller's too) only start after the last one —
        // 4.5 s from process start to the namespace's default ServiceAccount (bench:cluster).
        // One throwaway cluster, one client of note: let it go at the apiserver's pace.
        '--kube-api-qps=200', '--kube-api-burst=400',
      ],
    },
    {
      name: 'kube-scheduler',
      args: [
        `--config=${l.root}/scheduler-config.yaml`,
        `--authentication-kubeconfig=${kc('scheduler')}`, `--authorization-kubeconfig=${kc('scheduler')}`,
        '--bind-address=127.0.0.1', `--secure-port=${p.scheduler}`, `--cert-dir=${l.root}/scheduler`, '--profiling=false',
      ],
    },
    {
      name: 'kubelet',
      args: [
        `--config=${l.kubelet.config}`, `--kubeconfig=${kc('kubelet')}`, `--root-dir=${l.kubelet.root}`,
        `--hostname-override=localhost`, `--cert-dir=${l.kubelet.root}/pki`,
        // The bridge's gateway: the namespace's one address besides loopback (cluster-netns.ts).
        `--node-ip=${l.cni.gateway}`,
      ],
    },
    { name: 'kube-proxy', args: [`--config=${l.kubeProxy.config}`] },
  ];
}
