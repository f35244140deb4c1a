// Each local cluster lives in a network namespace of its own: every component, containerd and
// its pods, the pods' bridge, kube-proxy's iptables chains and every port but one. kube-proxy's
// chain names are the same in every cluster (KUBE-SERVICES, KUBE-SVC-<hash of the Service>), so in
// the host's namespace two clusters rewrote and deleted each other's Service rules; here each has
// its own tables, and several clusters — a lesson run, a provider test, a fault test — run side by
// side. Teardown deletes the namespace, and with it the bridge, the veths and every rule.
//
// The one way in is the API server's port: a socat on the host's 127.0.0.1:<port> hands each
// connection to a Unix socket (0600, in the state directory), where a socat inside the namespace
// connects it to the API server on the namespace's 127.0.0.1:<port>. TLS and authorization stay
// end to end; the forwarders only copy bytes.
import { access } from 'node:fs/promises';
import { execa } from 'execa';
import { serviceClusterIpRange } from './component-configs.ts';
import type { LocalLayout } from './layout.ts';

/** Runs `file args` inside the cluster's network namespace (nsenter execs it: same pid, same log). */
export function inClusterNetns(l: LocalLayout, file: string, args: string[]): { file: string; args: string[] } {
  return { file: 'nsenter', args: [`--net=${l.netns.path}`, '--', file, ...args] };
}

export async function clusterNetnsExists(l: LocalLayout): Promise<boolean> {
  return access(l.netns.path).then(() => true, () => false);
}

/**
 * The namespace, its loopback, and the pods' bridge — made before containerd starts rather than by
 * the CNI plugin on the first pod: cluster DNS listens on the bridge's gateway address, so the
 * address must exist when CoreDNS binds, and the kubelet names it as the node's address.
 */
export async function createClusterNetns(l: LocalLayout): Promise<void> {
  const ip = (...args: string[]) => execa('ip', ['-n', l.netns.name, ...args]);
  await execa('ip', ['netns', 'add', l.netns.name]);
  await ip('link', 'set', 'lo', 'up');
  const prefix = l.cni.subnet.split('/')[1] ?? '24';
  await ip('link', 'add', 'name', l.cni.bridge, 'type', 'bridge');
  await ip('addr', 'add', `${l.cni.gateway}/${prefix}`, 'dev', l.cni.bridge);
  await ip('link', 'set', l.cni.bridge, 'up');
  // The Service range over the bridge: Service addresses are routed before kube-proxy's rules
  // rewrite them, so without a route the node itself (a hostNetwork pod, the node's own processes)
  // could not reach a ClusterIP. Not a default route: with one, a lookup of a registry that does
  // not exist waited for the host's DNS server (50 s, unreachable from here) instead of failing.
  await ip('route', 'add', serviceClusterIpRange, 'dev', l.cni.bridge, 'src', l.cni.gateway);
  // Service traffic is DNATed to a pod on the same bridge and routed back out.
  const forwarding = inClusterNetns(l, 'sh', ['-c', `echo 1 > /proc/sys/net/ipv4/conf/${l.cni.bridge}/forwarding`]);
  await execa(forwarding.file, forwarding.args);
}

/** Deletes the namespace: the bridge, the pods' veths and every iptables rule in it go with it. */
export async function deleteClusterNetns(l: LocalLayout): Promise<void> {
  if (await clusterNetnsExists(l)) await execa('ip', ['netns', 'delete', l.netns.name], { reject: false });
}

/**
 * A bridge of this cluster's name in the host's own namespace: left there by a harness from before
 * the cluster namespaces (it made the bridge on the host). Nothing makes one there any more.
 */
export async function hostBridgeExists(l: LocalLayout): Promise<boolean> {
  return (await execa('ip', ['link', 'show', l.cni.bridge], { reject: false })).exitCode === 0;
}

export async function deleteHostBridge(l: LocalLayout): Promise<void> {
  if (await hostBridgeExists(l)) await execa('ip', ['link', 'delete', l.cni.bridge], { reject: false });
}

/** The two forwarders of the API server's port (see the top of this file), as supervised processes. */
export function apiForwarders(l: LocalLayout): { name: string; file: string; args: string[] }[] {
  const port = l.ports.apiserver;
  const inside = inClusterNetns(l, 'socat', [`UNIX-LISTEN:${l.netns.apiSocket},fork,mode=600,unlink-early`, `TCP:127.0.0.1:${port}`]);
  return [
    { name: 'api-forwarder-inside', ...inside },
    { name: 'api-forwarder', file: 'socat', args: [`TCP-LISTEN:${port},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${l.netns.apiSocket}`] },
  ];
}

/** An HTTP GET inside the namespace (CoreDNS's plain-HTTP readiness): true on status 200. */
export async function httpOkInside(l: LocalLayout, port: number, urlPath: string): Promise<boolean> {
  const get = inClusterNetns(l, 'bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${urlPath} HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3`]);
  const result = await execa(get.file, get.args, { reject: false, timeout: 2_000 });
  return / 200 /.test(String(result.stdout));
}

/** True once something accepts TCP connections on 127.0.0.1:<port> inside the namespace. */
export async function listeningInside(l: LocalLayout, port: number): Promise<boolean> {
  const probe = inClusterNetns(l, 'bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]);
  return (await execa(probe.file, probe.args, { reject: false, timeout: 2_000 })).exitCode === 0;
}

