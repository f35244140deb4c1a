// Cluster DNS as a host process (the local cluster's host, the kind node), shared by both
// providers: the Corefile, and the API objects that make it the cluster's DNS as a kubeadm cluster
// shows it — the kube-dns Service (its ClusterIP is the kubelet's clusterDNS), an EndpointSlice
// pointing it at the address CoreDNS listens on, and CoreDNS's read-only RBAC (the rules of
// kubeadm's system:coredns ClusterRole) for the user of its client certificate.
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';

export const corednsUser = 'system:coredns';
export const clusterDomain = 'cluster.local';

type ApiObject = KubernetesObject & Record<string, unknown>;

export interface ClusterDnsOptions {
  /** The kube-dns Service's ClusterIP. */
  serviceIp: string;
  /** Where CoreDNS listens: the narrowest address the pods can reach. */
  listenIp: string;
  /** CoreDNS's readiness endpoint, host:port on 127.0.0.1. */
  readyAddress: string;
  kubeconfig: string;
}

/**
 * Every name outside the cluster gets NXDOMAIN at once: there is no upstream to forward to here,
 * and a resolver waiting on one would make every lookup of an outside name hang. Two server
 * blocks, because CoreDNS runs template before kubernetes whatever the order written: the
 * catch-all must live in the block for ".", which only sees names outside the cluster's zones.
 */
export function corefile(o: ClusterDnsOptions): string {
  return `${clusterDomain} in-addr.arpa ip6.arpa {
    bind ${o.listenIp}
    errors
    ready ${o.readyAddress}
    kubernetes ${clusterDomain} in-addr.arpa ip6.arpa {
        kubeconfig ${o.kubeconfig}
        pods insecure
    }
    loadbalance
}
. {
    bind ${o.listenIp}
    errors
    template ANY ANY {
        rcode NXDOMAIN
    }
}
`;
}

export function clusterDnsObjects(o: Pick<ClusterDnsOptions, 'serviceIp' | 'listenIp'>): ApiObject[] {
  const dnsPorts = [{ name: 'dns', protocol: 'UDP', port: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53 }];
  const labels = { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' };
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: corednsUser },
      rules: [
        { apiGroups: [''], resources: ['endpoints', 'services', 'pods', 'namespaces'], verbs: ['list', 'watch'] },
        { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: ['list', 'watch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: corednsUser },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: corednsUser },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: corednsUser }],
    },
    // No selector: its endpoint is a host address, not a pod, so the slice below is written by hand.
    {
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'kube-dns', namespace: 'kube-system', labels },
      spec: { clusterIP: o.serviceIp, ports: dnsPorts.map((p) => ({ ...p, targetPort: 53 })) },
    },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'kube-dns-host', namespace: 'kube-system', labels: { ...labels, 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'lesson-harness' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [o.listenIp], conditions: { ready: true } }],
      ports: dnsPorts,
    },
  ];
}

export async function createClusterDns(kubeConfig: KubeConfig, o: Pick<ClusterDnsOptions, 'serviceIp' | 'listenIp'>): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of clusterDnsObjects(o)) await api.create(object);
}
