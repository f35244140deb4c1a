// kube-proxy as a process of the node (the local cluster's network namespace, the kind node), shared by both providers.
import YAML from 'yaml';

export interface KubeProxyOptions {
  kubeconfig: string;
  nodeName: string;
  clusterCidr: string;
  healthzBindAddress: string;
  metricsBindAddress: string;
  /** CIDRs whose addresses serve NodePorts (never loopback: that needs route_localnet). */
  nodePortAddresses: string[];
}

/**
 * iptables mode, changing nothing but its own KUBE-* chains (in the node's network namespace): no conntrack sysctls (all
 * 0), no route_localnet (localhostNodePorts off). masqueradeAll sends Service traffic back through
 * the host, so replies are un-NATed whether or not br_netfilter is loaded. Health and metrics are
 * plain HTTP in upstream kube-proxy (it has no TLS for them): on 127.0.0.1, read-only.
 */
export function kubeProxyConfigYaml(o: KubeProxyOptions): string {
  return YAML.stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    clientConnection: { kubeconfig: o.kubeconfig },
    hostnameOverride: o.nodeName,
    mode: 'iptables',
    clusterCIDR: o.clusterCidr,
    detectLocalMode: 'ClusterCIDR',
    healthzBindAddress: o.healthzBindAddress,
    metricsBindAddress: o.metricsBindAddress,
    enableProfiling: false,
    nodePortAddresses: o.nodePortAddresses,
    iptables: { masqueradeAll: true, localhostNodePorts: false },
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  });
}
