// Where each part of the local cluster lives on disk and which loopback port it listens on.
import path from 'node:path';

export interface LocalLayout {
  root: string;
  logs: string;
  pki: string;
  etcdData: string;
  containerd: { root: string; state: string; socket: string; config: string; certsDir: string };
  /** gateway: the bridge's own address, the pods' default route and where cluster DNS listens. */
  cni: { confDir: string; ipamDir: string; bridge: string; subnet: string; gateway: string };
  /** The cluster's network namespace (cluster-netns.ts) and the socket its API forwarders meet at. */
  netns: { name: string; path: string; apiSocket: string };
  kubeProxy: { config: string };
  coredns: { corefile: string };
  kubelet: { root: string; config: string; podLogs: string };
  registry: { config: string; credentials: string };
  kubeconfigs: string;
  /** cgroup parent of every pod (under each v1 controller), so teardown knows exactly what is ours. */
  cgroupRoot: string;
  adminKubeconfig: string;
  stateFile: string;
  ports: LocalPorts;
}

export interface LocalPorts {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kubelet: number;
  registry: number;
  containerdStream: number;
  kubeProxyHealthz: number;
  kubeProxyMetrics: number;
  corednsReady: number;
}

export function localLayout(root: string, portBase: number): LocalLayout {
  const at = (...parts: string[]): string => path.join(root, ...parts);
  const subnet24 = `10.244.${Math.floor(portBase / 100) % 256}`;
  return {
    root,
    logs: at('logs'),
    pki: at('pki'),
    etcdData: at('etcd'),
    containerd: {
      root: at('containerd', 'root'),
      state: at('containerd', 'state'),
      socket: at('containerd', 'containerd.sock'),
      config: at('containerd', 'config.toml'),
      certsDir: at('containerd', 'certs.d'),
    },
    // The network namespace and cgroup are per cluster (from the directory), so that two clusters on
    // one host — a test of the provider next to a lesson run — never clean up each other. (Inside
    // its own namespace a cluster's bridge and subnet could be anyone's; per port base they are
    // easier to tell apart in a diagnosis.)
    cni: { confDir: at('cni', 'net.d'), ipamDir: at('cni', 'ipam'), bridge: `lh${portBase}`, subnet: `${subnet24}.0/24`, gateway: `${subnet24}.1` },
    netns: { name: `lesson-harness-${path.basename(root)}`, path: `/run/netns/lesson-harness-${path.basename(root)}`, apiSocket: at('apiserver.sock') },
    kubelet: { root: at('kubelet'), config: at('kubelet-config.yaml'), podLogs: at('pod-logs') },
    kubeProxy: { config: at('kube-proxy-config.yaml') },
    coredns: { corefile: at('coredns', 'Corefile') },
    registry: { config: at('registry', 'config.json'), credentials: at('registry', 'credentials') },
    kubeconfigs: at('kubeconfigs'),
    cgroupRoot: `/lesson-harness-${path.basename(root)}`,
    adminKubeconfig: at('kubeconfigs', 'admin.kubeconfig'),
    stateFile: at('state.json'),
    ports: {
      etcdClient: portBase,
      etcdPeer: portBase + 1,
      apiserver: portBase + 2,
      controllerManager: portBase + 3,
      scheduler: portBase + 4,
      kubelet: portBase + 5,
      registry: portBase + 6,
      containerdStream: portBase + 7,
      kubeProxyHealthz: portBase + 8,
      kubeProxyMetrics: portBase + 9,
      corednsReady: portBase + 10,
    },
  };
}
