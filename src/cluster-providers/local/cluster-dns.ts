// The API objects that make the host's CoreDNS the cluster's DNS, as a kubeadm cluster shows it:
// the kube-dns Service (its ClusterIP is the kubelet's clusterDNS), an EndpointSlice pointing it at
// the bridge's gateway address where CoreDNS listens, and CoreDNS's read-only RBAC (the rules of
// kubeadm's system:coredns ClusterRole) for the user of its client certificate.
import { KubernetesObjectApi, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { clusterDnsIp } from './component-configs.ts';
import type { LocalLayout } from './layout.ts';

export const corednsUser = 'system:coredns';

type ApiObject = KubernetesObject & Record<string, unknown>;

export function clusterDnsObjects(l: LocalLayout): ApiObject[] {
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
      spec: { clusterIP: clusterDnsIp, ports: dnsPorts.map((p) => ({ ...p, targetPort: 53 })) },
    },
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
      metadata: { name: 'kube-dns-host', namespace: 'kube-system', labels: { ...labels, 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': 'lesson-harness' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [l.cni.gateway], conditions: { ready: true } }],
      ports: dnsPorts,
    },
  ];
}

export async function createClusterDns(kubeConfig: KubeConfig, l: LocalLayout): Promise<void> {
  const api = KubernetesObjectApi.makeApiClient(kubeConfig);
  for (const object of clusterDnsObjects(l)) await api.create(object);
}
