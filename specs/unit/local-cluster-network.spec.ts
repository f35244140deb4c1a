// The local cluster's network configuration, read as the host would be changed by it: kube-proxy
// must touch no host sysctl, cluster DNS must listen on the bridge's gateway only, and the pods'
// route must lead there.
import { expect } from 'chai';
import YAML from 'yaml';
import { clusterDnsObjects, corefile } from '../../src/cluster-providers/cluster-network/cluster-dns.ts';
import { cniConflist, containerdConfigToml, kubeletConfigYaml, localClusterDns, localKubeProxyConfigYaml } from '../../src/cluster-providers/local/component-configs.ts';
import { localLayout } from '../../src/cluster-providers/local/layout.ts';
import type { Pki } from '../../src/cluster-providers/local/pki.ts';

const l = localLayout('/var/lib/lesson-harness/unit', 27500);
const pki: Pki = { dir: '/pki', caCert: '/pki/ca.crt', caKey: '/pki/ca.key', cert: (n) => `/pki/${n}.crt`, key: (n) => `/pki/${n}.key` };

describe('local cluster network configuration', () => {
  it('puts each cluster on its own bridge, subnet and gateway', () => {
    expect(l.cni).to.include({ bridge: 'lh27500', subnet: '10.244.19.0/24', gateway: '10.244.19.1' });
    const other = localLayout('/var/lib/lesson-harness/other', 26400);
    expect(other.cni.gateway).to.not.equal(l.cni.gateway);
  });

  it('gives pods a default route to the gateway without the plugin turning on host-wide forwarding', () => {
    const bridge = (JSON.parse(cniConflist(l)) as { plugins: Record<string, unknown>[] }).plugins[0] ?? {};
    expect(bridge).to.include({ isGateway: false, ipMasq: false, hairpinMode: true });
    expect(bridge.ipam).to.deep.include({ routes: [{ dst: '0.0.0.0/0', gw: '10.244.19.1' }] });
  });

  it('runs kube-proxy in iptables mode without changing host sysctls', () => {
    const config = YAML.parse(localKubeProxyConfigYaml(l, '/k/kube-proxy.kubeconfig')) as Record<string, Record<string, unknown> | string | string[]>;
    expect(config.mode).to.equal('iptables');
    // A positive maxPerCore or timeout would write net.netfilter.* sysctls; loopback NodePorts would set route_localnet.
    expect(config.conntrack).to.deep.equal({ maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' });
    expect(config.iptables).to.include({ localhostNodePorts: false, masqueradeAll: true });
    expect(config.nodePortAddresses).to.deep.equal(['10.244.19.1/32']);
    expect(config.healthzBindAddress).to.equal('127.0.0.1:27508');
    expect(config.metricsBindAddress).to.equal('127.0.0.1:27509');
  });

  it('serves DNS on the gateway only, readiness on 127.0.0.1, and no upstream', () => {
    const file = corefile(localClusterDns(l, '/k/coredns.kubeconfig'));
    expect(file.match(/^\s*bind .*$/gm)?.map((line) => line.trim())).to.deep.equal(['bind 10.244.19.1', 'bind 10.244.19.1']);
    expect(file).to.match(/^\s+ready 127\.0\.0\.1:27510$/m);
    expect(file).to.not.match(/forward|health|prometheus/);
    // CoreDNS runs template before kubernetes: the catch-all must sit in the "." block alone.
    const [cluster, rest] = file.split(/^\. \{$/m);
    expect(cluster).to.match(/^cluster\.local in-addr\.arpa ip6\.arpa \{/).and.to.match(/kubernetes cluster\.local/).and.to.not.match(/template/);
    expect(rest).to.match(/template ANY ANY \{\s+rcode NXDOMAIN/).and.to.not.match(/kubernetes/);
  });

  it('points the kubelet at the kube-dns Service, whose slice points at the gateway', () => {
    expect(YAML.parse(kubeletConfigYaml(l, pki))).to.deep.include({ clusterDNS: ['10.0.0.10'], clusterDomain: 'cluster.local' });
    const [, , service, slice] = clusterDnsObjects(localClusterDns(l, '/k/coredns.kubeconfig'));
    expect(service).to.deep.include({ kind: 'Service', spec: { clusterIP: '10.0.0.10', ports: [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 53 }, { name: 'dns-tcp', protocol: 'TCP', port: 53, targetPort: 53 }] } });
    expect(slice).to.deep.include({ kind: 'EndpointSlice', endpoints: [{ addresses: ['10.244.19.1'], conditions: { ready: true } }] });
  });

  for (const version of [2, 4] as const) {
    it(`gives containerd's streaming server a certificate from the cluster CA (config version ${version})`, () => {
      expect(containerdConfigToml(l, pki, { user: 'u', password: 'p' }, version)).to.include('x509_key_pair_streaming = { tls_cert_file = "/pki/containerd-stream.crt", tls_key_file = "/pki/containerd-stream.key" }');
    });
  }

  it('writes containerd 2.3\'s version 4 configuration (split CRI plugin, servers as plugins), and version 2 for containerd 1.x', () => {
    const v4 = containerdConfigToml(l, pki, { user: 'u', password: 'p' }, 4);
    expect(v4).to.match(/^version = 4\n/);
    expect(v4).to.include(`[plugins.'io.containerd.server.v1.ttrpc']\n  address = "/var/lib/lesson-harness/unit/containerd/containerd.sock.ttrpc"`);
    expect(v4).not.to.match(/^\[grpc\]/m);
    expect(v4).to.include(`[plugins.'io.containerd.cri.v1.images'.pinned_images]\n    sandbox = "registry.k8s.io/pause:3.10.1"`);
    expect(v4).to.include(`[plugins.'io.containerd.cri.v1.runtime']\n  restrict_oom_score_adj = true\n  netns_mounts_under_state_dir = true`);
    expect(v4).to.include('bin_dirs = ["/usr/lib/cni"]');
    expect(v4).not.to.include('io.containerd.grpc.v1.cri".containerd');
    const v2 = containerdConfigToml(l, pki, { user: 'u', password: 'p' });
    expect(v2).to.match(/^version = 2\n/);
    expect(v2).to.match(/^\[ttrpc\]\n {2}address = ".*containerd\.sock\.ttrpc"/m);
    expect(v2).to.include('sandbox_image = "registry.k8s.io/pause:3.10.1"');
    expect(v2).to.include('bin_dir = "/usr/lib/cni"');
  });
});
