// kind via testcontainers: starts a node image the way a kind node runs and boots it with kubeadm,
// as kind does (and as the Java kindcontainer does). Without --privileged (these hosts lack
// CAP_SYS_RESOURCE, which --privileged requests): the capability set, security options and mounts
// below are the unprivileged equivalent. Works with the published kindest/node image's layout; on
// machines with no registry the project's own node image (node-image.ts) is built and used.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import YAML from 'yaml';
import { HarnessError } from '../../errors/harness-error.ts';
import { ownedName, sweepDeadRuns } from '../../process/leftovers.ts';
import { watchApiServer } from '../cluster-fault.ts';
import { stderrLog, type ClusterProvider, type ClusterStartOptions, type StartedCluster } from '../cluster-provider.ts';
import { nodeReady } from '../../kube/readiness.ts';
import { ensureKubernetesBinaries } from '../kubernetes-binaries.ts';
import { projectRoot } from '../../config/project-root.ts';
import { loadKubernetesVersionPins, singleKubernetesVersion } from '../../config/kubernetes-versions.ts';
import { buildNodeImage } from './node-image.ts';
import { chooseKindImage, etcdImageTag, kubectlForNode, type KindImageChoice } from './kind-versions.ts';
import { corednsUser, corefile, createClusterDns } from '../cluster-network/cluster-dns.ts';
import { kubeProxyConfigYaml } from '../cluster-network/kube-proxy-config.ts';

const hostname = 'lesson-harness-control-plane';
const apiPort = 6443;

/**
 * A GenericContainer whose published ports bind to 127.0.0.1 only (testcontainers binds all
 * interfaces), and which gets the host's /dev/kmsg read-only: the kubelet's OOM watcher opens it,
 * and without --privileged no host device is there (testcontainers has no option for devices).
 */
class KindNodeContainer extends GenericContainer {
  constructor(image: string, private readonly varVolume: boolean) {
    super(image);
  }

  protected override async beforeContainerCreated(): Promise<void> {
    this.hostConfig.Devices = [...(this.hostConfig.Devices ?? []), { PathOnHost: '/dev/kmsg', PathInContainer: '/dev/kmsg', CgroupPermissions: 'r' }];
    if (this.varVolume) this.hostConfig.Mounts = [...(this.hostConfig.Mounts ?? []), { Type: 'volume', Source: '', Target: '/var' }]; // no Source: an anonymous volume, removed with the node
    for (const bindings of Object.values(this.hostConfig.PortBindings ?? {}) as { HostIp?: string }[][]) {
      for (const binding of bindings) binding.HostIp = '127.0.0.1';
    }
  }
}

const clusterLabel = 'lesson-harness.cluster';
const ownerLabel = 'lesson-harness.owner-pid';

/**
 * Node containers whose owner process is gone (a killed test runner; Ryuk, testcontainers' own
 * reaper, cannot run offline) are removed with their anonymous volumes. Nodes of live runs stay.
 */
export async function removeStaleNodes(log: (line: string) => void = () => undefined): Promise<string[]> {
  const list = await execa('docker', ['ps', '-a', '--filter', `label=${clusterLabel}=kind`, '--format', `{{.ID}} {{.Label "${ownerLabel}"}}`], { reject: false });
  const stale = String(list.stdout).split('\n').filter(Boolean).map((line) => line.split(' ')).filter(([, pid]) => {
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch {
      return true;
    }
  }).map(([id]) => id ?? '');
  if (stale.length) {
    log(`  removing ${stale.length} kind node(s) left by a run that died: ${stale.join(', ')}`);
    await execa('docker', ['rm', '-f', '-v', ...stale], { reject: false });
  }
  return stale;
}

/**
 * kind's one-node kubeadm configuration; `version` is the node image's /kind/version, `etcdTag`
 * the etcd image tag of the offline image (a published image carries the etcd kubeadm expects).
 * v1beta4 (kubeadm 1.31 on): kubeadm 1.37 refuses v1beta3 (cmd/kubeadm/app/util/config/common.go).
 */
export function kubeadmConfig(advertiseAddress: string, version: string, etcdTag: string | undefined): string {
  const docs = [
    {
      apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', kubernetesVersion: version, clusterName: 'lesson-harness',
      controlPlaneEndpoint: `${hostname}:${apiPort}`,
      apiServer: { certSANs: ['localhost', '127.0.0.1'] },
      networking: { podSubnet: '10.244.0.0/16', serviceSubnet: '10.96.0.0/16' },
      // Our image carries the etcd of our own build, tagged with its real version.
      ...(etcdTag ? { etcd: { local: { imageTag: etcdTag } } } : {}),
    },
    {
      apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'InitConfiguration',
      localAPIEndpoint: { advertiseAddress, bindPort: apiPort },
      nodeRegistration: { criSocket: 'unix:///run/containerd/containerd.sock', kubeletExtraArgs: [{ name: 'node-ip', value: advertiseAddress }] },
      // kind skips preflight (it would refuse a container) and so do we. The offline node carries
      // no images for kubeadm's CoreDNS and kube-proxy addons: both run on the node as processes
      // instead (startNodeNetworkServices).
      skipPhases: ['preflight', 'addon/coredns', 'addon/kube-proxy'],
    },
    {
      apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration',
      // No cgroupRoot (kind uses /kubelet, which it creates in its entrypoint): pods go under kubepods.slice.
      cgroupDriver: 'systemd', failSwapOn: false, failCgroupV1: false,
      evictionHard: { 'nodefs.available': '0%', 'nodefs.inodesFree': '0%', 'imagefs.available': '0%' },
      imageGCHighThresholdPercent: 100,
    },
  ];
  return docs.map((d) => YAML.stringify(d)).join('---\n');
}

/** kubeadm's default clusterDNS for the service subnet above. */
const clusterDnsIp = '10.96.0.10';

/**
 * Services and cluster DNS on the offline node: kube-proxy and CoreDNS as processes of the node
 * (systemd units), each with its own client certificate from the cluster CA, as kubeadm would
 * issue them. CoreDNS listens on the node's address, the one the pods reach the node by (the
 * node's network is Docker's, on this host only); health, metrics and readiness on 127.0.0.1.
 */
async function startNodeNetworkServices(exec: (what: string, command: string[]) => Promise<string>, container: StartedTestContainer, kubeConfig: KubeConfig, address: string): Promise<void> {
  for (const [user, file] of [['system:kube-proxy', 'kube-proxy.conf'], [corednsUser, 'coredns.conf']]) {
    await exec(`a kubeconfig for ${user}`, ['bash', '-c', `umask 077 && kubeadm kubeconfig user --config=/kind/kubeadm.conf --client-name=${user} > /etc/kubernetes/${file}`]);
  }
  const dns = { serviceIp: clusterDnsIp, listenIp: address, readyAddress: '127.0.0.1:8181', kubeconfig: '/etc/kubernetes/coredns.conf' };
  await container.copyContentToContainer([
    { content: kubeProxyConfigYaml({
      kubeconfig: '/etc/kubernetes/kube-proxy.conf', nodeName: hostname, clusterCidr: '10.244.0.0/16', nodePortAddresses: [`${address}/32`],
      healthzBindAddress: '127.0.0.1:10256', metricsBindAddress: '127.0.0.1:10249',
    }), target: '/kind/kube-proxy.yaml' },
    { content: corefile(dns), target: '/kind/Corefile' },
  ]);
  await createClusterDns(kubeConfig, dns);
  await exec('starting kube-proxy', ['systemd-run', '--unit=kube-proxy', '--property=Restart=on-failure', '/usr/bin/kube-proxy', '--config=/kind/kube-proxy.yaml']);
  await exec('starting CoreDNS', ['systemd-run', '--unit=coredns', '--property=Restart=on-failure', '/usr/local/bin/coredns', '-conf', '/kind/Corefile']);
}

export interface KindClusterOptions {
  /** One Kubernetes version (a pinned minor or version, `default`); else LESSON_HARNESS_KUBERNETES, else the pinned default. */
  kubernetesVersion?: string;
  /**
   * Unset: the project's offline node image of that version; `published`: kind's published image
   * of its minor (kind-versions.ts); else an image reference, which runs its own version
   * (LESSON_HARNESS_KIND_IMAGE).
   */
  image?: string;
  /** Run the node --privileged, as kind does, where the engine allows it (LESSON_HARNESS_KIND_PRIVILEGED=1, e.g. GitHub's runners). */
  privileged?: boolean;
}

/** The options the environment gives; options passed in code win. */
export function kindOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): KindClusterOptions {
  return {
    ...(env.LESSON_HARNESS_KUBERNETES ? { kubernetesVersion: env.LESSON_HARNESS_KUBERNETES } : {}),
    ...(env.LESSON_HARNESS_KIND_IMAGE ? { image: env.LESSON_HARNESS_KIND_IMAGE } : {}),
    privileged: env.LESSON_HARNESS_KIND_PRIVILEGED === '1',
  };
}

export class KindClusterProvider implements ClusterProvider {
  readonly name = 'kind';
  /** The version asked for (or the pinned default); an image given by reference runs its own. */
  readonly kubernetesVersion: string;
  readonly image: KindImageChoice;
  private readonly options: KindClusterOptions;

  /** Refuses a version spec that names more than one version, or a version with an image given by reference. */
  constructor(options: KindClusterOptions = {}, env: NodeJS.ProcessEnv = process.env) {
    this.options = { ...kindOptionsFromEnv(env), ...options };
    this.kubernetesVersion = singleKubernetesVersion(this.options.kubernetesVersion ?? '');
    this.image = chooseKindImage(this.kubernetesVersion, this.options.kubernetesVersion !== undefined, this.options.image);
  }

  async start(options: ClusterStartOptions = {}): Promise<StartedCluster> {
    const log = options.log ?? stderrLog;
    const began = Date.now();
    const step = (n: number, what: string): void => {
      if (options.signal?.aborted) throw new HarnessError('the kind cluster start was interrupted; the node is removed');
      log(`[kind ${((Date.now() - began) / 1000).toFixed(1)}s] ${n}/6 ${what}`);
    };
    // The Ryuk reaper image cannot be pulled offline; stop() and the test hooks clean up instead.
    process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
    step(1, 'Docker engine…');
    const docker = await execa('bash', [path.join(projectRoot, 'scripts/start-docker.sh')], { reject: false, all: true });
    if (docker.exitCode !== 0) throw new HarnessError(`no Docker engine: ${docker.all}`, { fix: 'install Docker (Debian: docker.io) or use LESSON_HARNESS_PROVIDER=local' });
    await removeStaleNodes(log);
    await sweepDeadRuns();
    step(2, 'node image…');
    // kind's published image or one given by reference: pulled, with kind's layout (/var preloaded, no node-run kube-proxy or CoreDNS).
    const pulled = this.image.source !== 'offline';
    const image = pulled ? this.image.image : await buildNodeImage(this.kubernetesVersion, log);
    if (pulled) {
      const pull = await execa('docker', ['pull', '--quiet', image], { reject: false, all: true });
      if (pull.exitCode !== 0 && (await execa('docker', ['image', 'inspect', image], { reject: false })).exitCode !== 0) {
        throw new HarnessError(`cannot get the node image ${image}: ${pull.all}`, { fix: 'check the registry is reachable, or unset LESSON_HARNESS_KIND_IMAGE to build the offline node image' });
      }
    }

    step(3, `starting ${image} (systemd)…`);
    const node = new KindNodeContainer(image, pulled)
      .withHostname(hostname)
      .withLabels({ [clusterLabel]: 'kind', [ownerLabel]: String(process.pid) })
      .withSecurityOpt('seccomp=unconfined', 'apparmor=unconfined');
    if (this.options.privileged) node.withPrivilegedMode();
    else node.withAddedCapabilities('ALL').withDroppedCapabilities('SYS_RESOURCE');
    const container = await node
      // containerd's overlayfs cannot sit on the container's own overlay root: our image gets a
      // tmpfs there (its images come from the node's registry); a published image, whose
      // preloaded images live under /var, gets an anonymous volume at /var, as kind does.
      .withTmpFs({ '/run': 'rw,exec', '/tmp': 'rw,exec', ...(pulled ? {} : { '/var/lib/containerd': 'rw,exec' }) })
      .withBindMounts([
        { source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'rw' },
        { source: '/lib/modules', target: '/lib/modules', mode: 'ro' },
      ])
      .withEnvironment({ container: 'docker' })
      .withExposedPorts(apiPort)
      .withWaitStrategy(Wait.forSuccessfulCommand('systemctl is-system-running | grep -qE "running|degraded"'))
      .withStartupTimeout(120_000)
      .start();
    // The admin kubeconfig (the cluster's keys) lives in a temporary folder of its own, removed with the node.
    let kubeconfigDir: string | undefined;
    const stop = async (): Promise<void> => {
      await container.stop({ remove: true, removeVolumes: true }).catch(() => undefined);
      if (kubeconfigDir) await rm(kubeconfigDir, { recursive: true, force: true });
    };
    try {
      const exec = async (what: string, command: string[]): Promise<string> => {
        const result = await container.exec(command);
        if (result.exitCode !== 0) throw new HarnessError(`${what} failed in the kind node (exit ${result.exitCode}):\n${result.output.split('\n').slice(-20).join('\n')}`, { fix: 'read the output above; `docker logs` of the node shows systemd' });
        return result.output;
      };
      const address = (await exec('reading the node address', ['hostname', '-i'])).trim().split(/\s+/)[0] ?? '';
      step(4, 'kubeadm init…');
      const version = (await exec('reading /kind/version', ['cat', '/kind/version'])).trim();
      // Refuses a node of another minor than asked (a wrong entry in the published table).
      const kubectlVersion = kubectlForNode(this.image, version, loadKubernetesVersionPins());
      if (this.image.source === 'given' && kubectlVersion !== version) log(`  the node runs ${version}; lesson commands use kubectl ${kubectlVersion}`);
      await container.copyContentToContainer([{ content: kubeadmConfig(address, version, pulled ? undefined : etcdImageTag(version)), target: '/kind/kubeadm.conf' }]);
      await exec('kubeadm init', ['kubeadm', 'init', '--config=/kind/kubeadm.conf', '--skip-token-print', '--v=1']);
      const kubectl = ['kubectl', '--kubeconfig=/etc/kubernetes/admin.conf'];
      step(5, 'default CNI and storage manifests, control-plane taint removed…');
      await exec('applying the CNI manifest', [...kubectl, 'apply', '-f', '/kind/manifests/default-cni.yaml']);
      await exec('applying the storage manifest', [...kubectl, 'apply', '-f', '/kind/manifests/default-storage.yaml']);
      await exec('removing the control-plane taint', [...kubectl, 'taint', 'nodes', '--all', 'node-role.kubernetes.io/control-plane-']);

      // The node's admin kubeconfig, pointed at the published port on 127.0.0.1.
      const admin = YAML.parse(await exec('reading admin.conf', ['cat', '/etc/kubernetes/admin.conf'])) as { clusters: { cluster: { server: string } }[] };
      for (const c of admin.clusters) c.cluster.server = `https://127.0.0.1:${container.getMappedPort(apiPort)}`;
      // Named after this process: should it be killed, the next run removes the folder (and the node).
      kubeconfigDir = await mkdtemp(path.join(os.tmpdir(), ownedName('kind-')));
      const kubeconfigPath = path.join(kubeconfigDir, 'kubeconfig');
      await writeFile(kubeconfigPath, YAML.stringify(admin), { mode: 0o600 });
      await chmod(kubeconfigPath, 0o600);
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromFile(kubeconfigPath);
      if (!pulled) {
        log(`[kind ${((Date.now() - began) / 1000).toFixed(1)}s] kube-proxy and CoreDNS on the node…`);
        await startNodeNetworkServices(exec, container, kubeConfig, address);
      }
      step(6, 'waiting for the node to be Ready…');
      const core = kubeConfig.makeApiClient(CoreV1Api);
      const deadline = Date.now() + 120_000;
      for (;;) {
        if (await nodeReady(core)) break;
        if (options.signal?.aborted) throw new HarnessError('the kind cluster start was interrupted; the node is removed');
        if (Date.now() > deadline) throw new HarnessError('the kind node did not become Ready within 120 s', { fix: 'docker exec into the node and read `journalctl -u kubelet`' });
        await new Promise((r) => setTimeout(r, 250));
      }
      log(`[kind ${((Date.now() - began) / 1000).toFixed(1)}s] cluster ready — KUBECONFIG=${kubeconfigPath}`);
      // kubectl for lesson commands: the project's own build, the same version as the node (the
      // same minor on a published node, whose patch may differ).
      const kubectlDir = await ensureKubernetesBinaries(() => undefined, kubectlVersion);
      // The node's components are not ours to watch one by one: the API server answering is the test.
      const fault = new AbortController();
      const stopWatching = watchApiServer(kubeConfig, fault);
      return new StartedKindCluster(container, kubeConfig, kubeconfigPath, version, kubectlDir, fault.signal, async () => {
        stopWatching();
        await stop();
      });
    } catch (error) {
      // LESSON_HARNESS_KEEP_FAILED=1 keeps a node that failed to boot, to read its journal.
      if (process.env.LESSON_HARNESS_KEEP_FAILED === '1') log(`keeping the failed node: docker exec -it ${container.getId()} bash`);
      else await stop();
      throw error;
    }
  }
}

export class StartedKindCluster implements StartedCluster {
  readonly provider = 'kind';
  #stopped = false;

  constructor(
    readonly container: StartedTestContainer, readonly kubeConfig: KubeConfig, readonly kubeconfigPath: string, readonly version: string, readonly kubectlDir: string,
    readonly fault: AbortSignal, private readonly stopNode: () => Promise<void>,
  ) {}

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.stopNode();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
