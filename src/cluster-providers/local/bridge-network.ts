// The pods' bridge, made before containerd starts rather than by the CNI plugin on the first pod:
// cluster DNS listens on its gateway address, so the address must exist when CoreDNS binds.
// Forwarding is switched on for this interface only (Service traffic is DNATed to a pod on the
// same bridge and routed back out); the host-wide net.ipv4.ip_forward is left as it is. The bridge
// — and with it this setting — is deleted by teardown.
import { writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import type { LocalLayout } from './layout.ts';

/**
 * Named after this cluster's bridge and outside the KUBE-* namespace: that one is shared by every
 * kubelet and kube-proxy on the host, and another cluster's teardown may clear it. This chain is
 * ours alone, so teardown removes it by name.
 */
export const forwardChain = (l: LocalLayout): string => `LH-${l.cni.bridge.toUpperCase()}-FORWARD`;

export async function createBridge(l: LocalLayout): Promise<void> {
  const prefix = l.cni.subnet.split('/')[1] ?? '24';
  await execa('ip', ['link', 'add', 'name', l.cni.bridge, 'type', 'bridge']);
  await execa('ip', ['addr', 'add', `${l.cni.gateway}/${prefix}`, 'dev', l.cni.bridge]);
  await execa('ip', ['link', 'set', l.cni.bridge, 'up']);
  await writeFile(`/proc/sys/net/ipv4/conf/${l.cni.bridge}/forwarding`, '1');
  // With br_netfilter loaded, frames between two pods on the bridge pass the FORWARD chain, whose
  // policy a Docker engine on the host sets to DROP: accept pod-to-pod traffic on our bridge first.
  const chain = forwardChain(l);
  await execa('iptables', ['-w', '-N', chain]);
  await execa('iptables', ['-w', '-A', chain, '-i', l.cni.bridge, '-o', l.cni.bridge, '-j', 'ACCEPT']);
  await execa('iptables', ['-w', '-I', 'FORWARD', '1', '-j', chain]);
}

export async function forwardChainExists(l: LocalLayout): Promise<boolean> {
  return (await execa('iptables', ['-w', '-S', forwardChain(l)], { reject: false })).exitCode === 0;
}

export async function removeForwardChain(l: LocalLayout): Promise<void> {
  const chain = forwardChain(l);
  while ((await execa('iptables', ['-w', '-D', 'FORWARD', '-j', chain], { reject: false })).exitCode === 0);
  await execa('iptables', ['-w', '-F', chain], { reject: false });
  await execa('iptables', ['-w', '-X', chain], { reject: false });
}
