// The embedded default cluster: real upstream Kubernetes components (built by
// scripts/build-kubernetes.sh) and the project's own containerd, run on this host.
import { randomBytes } from 'node:crypto';
import { chmod, copyFile, mkdir, readFile, writeFile, rm } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { execa } from 'execa';
import { defaults } from '../../config/defaults.ts';
import { HarnessError } from '../../errors/harness-error.ts';
import { singleKubernetesVersion } from '../../config/kubernetes-versions.ts';
import { ensureDefaultServiceAccount, nodeReady } from '../../kube/readiness.ts';
import { Supervisor, tail } from '../../process/supervisor.ts';
import { ClusterFault } from '../cluster-fault.ts';
import { stderrLog, type ClusterProvider, type ClusterStartOptions, type StartedCluster } from '../cluster-provider.ts';
import {
  cniConflist, containerdConfigToml, kubeconfigYaml, kubeletConfigYaml, kubeletEnvironment, kubernetesCommands, localClusterDns,
  localKubeProxyConfigYaml, registryHostsToml, registryServerConfig, sandboxImage, schedulerConfigYaml,
} from './component-configs.ts';
import { apiForwarders, createClusterNetns, httpOkInside, inClusterNetns, listeningInside } from './cluster-netns.ts';
import { corednsUser, corefile, createClusterDns } from '../cluster-network/cluster-dns.ts';
import { localLayout, type LocalLayout } from './layout.ts';
import { createPki, createServiceAccountKey } from './pki.ts';
import { claimStateDir, handOverStateDir, heldByLiveRun } from './state-dir-claim.ts';
import { checkCgroups, checkKmsg, checkPlatform, checkPorts, checkStateDir, checkTools } from './prerequisites.ts';
import { buildStandIns, imagesCacheDir, registryImages, type BuiltStandIn } from '../../images/build-stand-ins.ts';
import { describeStandIns, loadImagesConfig, standInRegistries, type ImagesConfig } from '../../images/images-config.ts';
import { registryServerArgs } from '../../images/registry-server.ts';
import { ensureContainerdBinaries, ensureCoreDnsBinary, ensureKubernetesBinaries } from '../kubernetes-binaries.ts';
import { containerdSettings, type ContainerdChoice, type ContainerdSettings } from '../containerd/containerd-settings.ts';
import { listLeftovers, teardown } from './teardown.ts';

export interface LocalClusterOptions {
  stateDir?: string;
  portBase?: number;
  /** Leave the cluster running after this process exits (npm run cluster:up); stop with cluster:down. */
  detached?: boolean;
  /** Run one pod before declaring the cluster ready (default true): "node Ready" alone does not prove pods start. */
  smokePod?: boolean;
  /**
   * The Kubernetes version to run: one pinned version or minor (`v1.36.3`, `1.36`) or `default`
   * (config/kubernetes-versions.json). Default: LESSON_HARNESS_KUBERNETES, else the pinned default.
   */
  kubernetesVersion?: string;
}

/** What step 1 found or built, for the steps that make the cluster. */
interface Prepared { binDir: string; corednsBinary: string; containerdDir: string; settings: ContainerdSettings; standIns: BuiltStandIn[]; imagesConfig: ImagesConfig; cgroupVersion: 'v1' | 'v2' }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function writePrivate(file: string, content: string): Promise<void> {
  await writeFile(file, content, { mode: 0o600 });
  await chmod(file, 0o600);
}

/** GET /readyz (every check) or one check of it (/readyz/etcd: serving, with its storage) of the API server: true on 200. */
function apiServerOk(l: LocalLayout, pki: { ca: Buffer; cert: Buffer; key: Buffer }, check: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.get({ host: '127.0.0.1', port: l.ports.apiserver, path: check, ca: pki.ca, cert: pki.cert, key: pki.key, timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}

async function createCgroupRoot(l: LocalLayout, version: 'v1' | 'v2'): Promise<void> {
  if (version === 'v2') {
    await mkdir(`/sys/fs/cgroup${l.cgroupRoot}`, { recursive: true });
    return;
  }
  for (const controller of ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'devices', 'freezer', 'blkio', 'systemd', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'unified']) {
    await mkdir(`/sys/fs/cgroup/${controller}${l.cgroupRoot}`, { recursive: true }).catch(() => undefined);
  }
}

/** The names the layout puts directly in the state directory. */
function layoutEntries(l: LocalLayout): string[] {
  const paths: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string' && value.startsWith(`${l.root}/`)) paths.push(value);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(l);
  return [...new Set(paths.map((p) => path.relative(l.root, p).split(path.sep)[0] ?? ''))];
}

/**
 * Where runs that name no location of their own go: the default state directory and port base, and
 * when a live run holds that, the next of a few more (`local-2` at port base +12, …). Each cluster
 * has its own network namespace (cluster-netns.ts), so two runs on one host — two terminals, the
 * test suites of `npm test` — share nothing but the CPU. A run that names its location
 * (LESSON_HARNESS_LOCAL_DIR, _PORT_BASE, or the options) waits for that one instead.
 */
export const SIDE_BY_SIDE_SLOTS = 4;
const slotLayout = (slot: number): LocalLayout =>
  localLayout(slot === 0 ? defaults.localStateDir : `${defaults.localStateDir}-${slot + 1}`, defaults.portBase + 12 * slot);

export class LocalClusterProvider implements ClusterProvider {
  readonly name = 'local';
  /** Where the cluster lives: the first candidate until start() has claimed one. */
  #layout: LocalLayout;
  readonly #candidates: LocalLayout[];
  /** The pinned version this provider runs, e.g. v1.37.2. */
  readonly kubernetesVersion: string;

  constructor(private readonly options: LocalClusterOptions = {}) {
    const named = options.stateDir !== undefined || options.portBase !== undefined || options.detached
      || process.env.LESSON_HARNESS_LOCAL_DIR !== undefined || process.env.LESSON_HARNESS_PORT_BASE !== undefined;
    this.#candidates = named
      ? [localLayout(options.stateDir ?? defaults.localStateDir, options.portBase ?? defaults.portBase)]
      : Array.from({ length: SIDE_BY_SIDE_SLOTS }, (_, slot) => slotLayout(slot));
    this.#layout = this.#candidates[0] as LocalLayout;
    this.kubernetesVersion = singleKubernetesVersion(options.kubernetesVersion);
  }

  get layout(): LocalLayout {
    return this.#layout;
  }

  /**
   * Removes a cluster left running (cluster:up) or behind (a killed run): at the location, and at
   * the side-by-side ones no live run holds.
   */
  async down(log: (line: string) => void = stderrLog): Promise<string[]> {
    const leftovers: string[] = [];
    for (const [index, l] of this.#candidates.entries()) {
      if (index > 0 && await heldByLiveRun(l.root)) continue;
      await teardown(l, log);
      leftovers.push(...await listLeftovers(l));
    }
    return leftovers;
  }

  async start(options: ClusterStartOptions = {}): Promise<StartedCluster> {
    const log = options.log ?? stderrLog;
    const began = Date.now();
    // Every step begins by looking at the signal: a Ctrl-C during the start ends it at the next
    // step (or within 100 ms while waiting for a component), and what was made is torn down.
    const step = (n: number, what: string): void => {
      throwIfInterrupted(options.signal);
      log(`[local ${((Date.now() - began) / 1000).toFixed(1)}s] ${n}/7 ${what}`);
    };

    checkPlatform();
    for (const candidate of this.#candidates) checkStateDir(candidate);
    // The first free location; the last one is waited for.
    let release: () => Promise<void> = async () => undefined;
    for (const [index, candidate] of this.#candidates.entries()) {
      const last = index === this.#candidates.length - 1;
      const claimed = last
        ? await claimStateDir(candidate.root, log, defaults.timeouts.clusterStartMs * 5, layoutEntries(candidate), options.signal)
        : await claimStateDir(candidate.root, log, 0, layoutEntries(candidate), options.signal, { skipIfBusy: true });
      if (!claimed) continue;
      release = claimed;
      this.#layout = candidate;
      if (index > 0) log(`  ${this.#candidates[0]?.root} is in use by another run: this cluster runs beside it in ${candidate.root} (API server port ${candidate.ports.apiserver})`);
      break;
    }
    const l = this.#layout;
    try {
      return await this.#start(l, options, log, began, step, release);
    } catch (error) {
      await release();
      throw error;
    }
  }

  async #start(l: LocalLayout, options: ClusterStartOptions, log: (line: string) => void, began: number, step: (n: number, what: string) => void, release: () => Promise<void>): Promise<StartedCluster> {
    await checkTools();
    const cgroupVersion = await checkCgroups();
    await checkKmsg();
    step(1, `Kubernetes ${this.kubernetesVersion}, containerd and CoreDNS binaries and stand-in images (built once, then cached)…`);
    const imagesConfig = await loadImagesConfig();
    // All cached; on a cold cache the Go builds are CPU-bound (one after the other, so they do not
    // fight over the cores) and the images mostly wait for Debian's mirror, so building the images
    // side by side saves most of their build.
    const settings = containerdSettings(this.kubernetesVersion);
    const [[binDir, corednsBinary, containerdDir], standIns] = await Promise.all([
      ensureKubernetesBinaries(log, this.kubernetesVersion).then(async (bin) => [bin, await ensureCoreDnsBinary(log), await containerdBinaries(settings.containerd, log)] as const),
      buildStandIns(imagesConfig, log),
    ]);

    const stale = await listLeftovers(l);
    if (stale.length) {
      log(`  cleaning up ${stale.length} leftover(s) of an earlier run (first: ${stale[0]})`);
      await teardown(l, log);
    }
    // The one port on the host; the others are inside the cluster's own network namespace.
    await checkPorts({ apiserver: l.ports.apiserver });

    const supervisor = new Supervisor(l.logs, { detached: this.options.detached ?? false });
    const stopAndClean = async (): Promise<void> => {
      await supervisor.stopAll(defaults.timeouts.processStopMs);
      await teardown(l, () => undefined);
      await release();
    };
    // From here on the start makes things on the host (files, bridge, chains, processes): any
    // failure or interruption removes them all again.
    try {
      return await this.#startComponents(l, options, log, began, step, supervisor, stopAndClean, { binDir, corednsBinary, containerdDir, settings, standIns, imagesConfig, cgroupVersion });
    } catch (error) {
      await stopAndClean().catch(() => undefined);
      throw error;
    }
  }

  /** Steps 2–7: what the start makes on the host (files, bridge, chains, processes); the caller removes it on failure. */
  async #startComponents(
    l: LocalLayout, options: ClusterStartOptions, log: (line: string) => void, began: number, step: (n: number, what: string) => void,
    supervisor: Supervisor, stopAndClean: () => Promise<void>, { binDir, corednsBinary, containerdDir, settings, standIns, imagesConfig, cgroupVersion }: Prepared,
  ): Promise<StartedCluster> {
    step(2, 'certificates and configuration…');
    await rm(l.logs, { recursive: true, force: true });
    for (const dir of [l.root, l.logs, l.pki, l.kubeconfigs, l.containerd.certsDir, l.cni.confDir, l.kubelet.root, path.dirname(l.registry.config)]) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
    const pki = await createPki(l.pki, [
      { name: 'apiserver', commonName: 'kube-apiserver', usage: 'server',
        altNames: ['kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'localhost', 'IP:127.0.0.1', 'IP:10.0.0.1'] },
      { name: 'etcd-server', commonName: 'etcd', usage: 'both', altNames: ['localhost', 'IP:127.0.0.1'] },
      { name: 'apiserver-etcd-client', commonName: 'kube-apiserver-etcd-client', usage: 'client' },
      // system:masters lets the apiserver read logs and exec through the kubelet without extra RBAC.
      { name: 'apiserver-kubelet-client', commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', usage: 'client' },
      { name: 'admin', commonName: 'lesson-harness-admin', organization: 'system:masters', usage: 'client' },
      { name: 'controller-manager', commonName: 'system:kube-controller-manager', usage: 'client' },
      // system:masters: the scheduler starts as soon as the API server serves, before its RBAC
      // bootstrap has made the system:kube-scheduler role (1.4 s earlier: the first pod sooner).
      { name: 'scheduler', commonName: 'system:kube-scheduler', organization: 'system:masters', usage: 'client' },
      { name: 'kubelet', commonName: `system:node:${defaults.nodeName}`, organization: 'system:nodes', usage: 'client' },
      { name: 'kubelet-serving', commonName: defaults.nodeName, usage: 'server', altNames: ['localhost', 'IP:127.0.0.1'] },
      // Bound by the bootstrap ClusterRoleBinding system:node-proxier (read Services, EndpointSlices, Nodes).
      { name: 'kube-proxy', commonName: 'system:kube-proxy', usage: 'client' },
      { name: 'coredns', commonName: corednsUser, usage: 'client' },
      // containerd's exec/attach/port-forward server, which the kubelet dials on 127.0.0.1.
      { name: 'containerd-stream', commonName: 'lesson-harness-containerd-stream', usage: 'server', altNames: ['localhost', 'IP:127.0.0.1'] },
      { name: 'registry', commonName: 'lesson-harness-registry', usage: 'server', altNames: ['localhost', 'IP:127.0.0.1'] },
    ]);
    const sa = await createServiceAccountKey(l.pki);
    const server = `https://127.0.0.1:${l.ports.apiserver}`;
    for (const user of ['admin', 'controller-manager', 'scheduler', 'kubelet', 'kube-proxy', 'coredns']) {
      await writePrivate(path.join(l.kubeconfigs, `${user}.kubeconfig`),
        kubeconfigYaml({ server, caFile: pki.caCert, certFile: pki.cert(user), keyFile: pki.key(user), user }));
    }
    const registryAuth = { user: 'lesson-harness', password: randomBytes(18).toString('base64url') };
    await writePrivate(l.registry.credentials, `${registryAuth.user}:${registryAuth.password}`);
    await writePrivate(l.registry.config, JSON.stringify(registryServerConfig(l, pki, imagesCacheDir(), registryImages(standIns)), null, 2));
    await writePrivate(l.containerd.config, containerdConfigToml(l, pki, registryAuth, settings.containerdConfigVersion));
    for (const registry of standInRegistries(imagesConfig.images)) {
      await mkdir(path.join(l.containerd.certsDir, registry), { recursive: true });
      await writeFile(path.join(l.containerd.certsDir, registry, 'hosts.toml'), registryHostsToml(registry, l, pki));
    }
    await writeFile(path.join(l.cni.confDir, '10-lesson-harness.conflist'), cniConflist(l));
    await writeFile(l.kubelet.config, kubeletConfigYaml(l, pki));
    await writeFile(path.join(l.root, 'scheduler-config.yaml'), schedulerConfigYaml(path.join(l.kubeconfigs, 'scheduler.kubeconfig')));
    await writeFile(l.kubeProxy.config, localKubeProxyConfigYaml(l, path.join(l.kubeconfigs, 'kube-proxy.kubeconfig')));
    const dns = localClusterDns(l, path.join(l.kubeconfigs, 'coredns.kubeconfig'));
    await mkdir(path.dirname(l.coredns.corefile), { recursive: true, mode: 0o700 });
    await writeFile(l.coredns.corefile, corefile(dns));
    await createCgroupRoot(l, cgroupVersion);
    await createClusterNetns(l);

    step(3, `starting containerd, registry, etcd, kube-apiserver (logs: ${l.logs})`);
    // A component that ends after the start is a fault of the cluster, not of the lesson running on it.
    const fault = new AbortController();
    supervisor.onDeath((death) => {
      if (!fault.signal.aborted) fault.abort(new ClusterFault(death.name, death.how, tail(death.logFile, 15), death.logFile));
    });
    // Every component runs inside the cluster's network namespace (cluster-netns.ts).
    const startInside = (name: string, file: string, args: string[], env: Record<string, string> = {}): void => {
      const inside = inClusterNetns(l, file, args);
      supervisor.start(name, inside.file, inside.args, env);
    };
    // A built containerd finds its own shim first on PATH (core/runtime/v2/shim_manager.go looks it up there).
    startInside('containerd', path.join(containerdDir, 'containerd'), ['--config', l.containerd.config], { PATH: `${containerdDir}:${process.env.PATH ?? ''}` });
    startInside('registry', process.execPath, registryServerArgs(l.registry.config));
    const commands = kubernetesCommands(l, pki, sa, '127.0.0.1');
    const startComponent = (name: string, env: Record<string, string> = {}): void => {
      const command = commands.find((c) => c.name === name);
      if (command) startInside(name, path.join(binDir, name), command.args, env);
    };
    startComponent('etcd');
    startComponent('kube-apiserver');
    for (const forwarder of apiForwarders(l)) supervisor.start(forwarder.name, forwarder.file, forwarder.args);

    const deadline = Date.now() + defaults.timeouts.clusterStartMs;
    const waitFor = async (what: string, check: () => Promise<boolean>, logFile: string): Promise<void> => {
      while (!(await check())) {
        // Interrupted first: a Ctrl-C reaches the components too, and their end is then no fault.
        throwIfInterrupted(options.signal);
        supervisor.assertAllRunning();
        if (Date.now() > deadline) {
          throw new HarnessError(`${what} was not ready after ${defaults.timeouts.clusterStartMs / 1000} s. Last lines of ${logFile}:\n${tail(logFile, 15)}`, {
            fix: `read ${logFile}; raise LESSON_HARNESS_CLUSTER_START_TIMEOUT_MS on a very slow machine`,
          });
        }
        await sleep(100);
      }
    };
    await waitFor('containerd', async () => (await execa(path.join(containerdDir, 'ctr'), ['--address', l.containerd.socket, 'version'], { reject: false })).exitCode === 0, path.join(l.logs, 'containerd.log'));
    step(4, 'containerd up; starting kubelet; the registry serves these stand-in images:');
    log(describeStandIns(imagesConfig.images));
    const kubeletTrust = path.join(l.pki, 'kubelet-trust');
    await mkdir(kubeletTrust, { recursive: true, mode: 0o700 });
    await copyFile(pki.caCert, path.join(kubeletTrust, 'ca.crt'));
    startComponent('kubelet', kubeletEnvironment(kubeletTrust));
    await waitFor('registry', () => listeningInside(l, l.ports.registry), path.join(l.logs, 'registry.log'));
    // Every pod's sandbox needs the pause image, and the first pod its own: pull both while the API
    // server starts rather than inside the first pod's start (0.1–0.3 s each, bench:cluster). A
    // failure here only leaves the pull to the kubelet, which reports it in the usual way.
    const pullAhead = (image: string) => {
      const pull = inClusterNetns(l, path.join(containerdDir, 'ctr'), ['--address', l.containerd.socket, '--namespace', 'k8s.io', 'images', 'pull', '--hosts-dir', l.containerd.certsDir,
        '--user', `${registryAuth.user}:${registryAuth.password}`, image]);
      return execa(pull.file, pull.args, { reject: false, all: true });
    };
    const smokePod = this.options.smokePod ?? true;
    const pausePulled = pullAhead(sandboxImage);
    if (smokePod) void pullAhead(smokeImage);

    const adminPki = { ca: await readFile(pki.caCert), cert: await readFile(pki.cert('admin')), key: await readFile(pki.key('admin')) };
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(l.adminKubeconfig);
    const core = kubeConfig.makeApiClient(CoreV1Api);
    // As soon as the API server serves, 1.4 s before it is ready (its RBAC bootstrap, the last of
    // its start hooks, reconciles every default role one by one): the scheduler, whose identity
    // needs no RBAC (pki above), and the first pod, made by the admin in the namespace the API
    // server makes itself. The kubelet registers its node meanwhile (the Node authorizer is no RBAC).
    // (/livez would wait for the start hooks too.)
    await waitFor('kube-apiserver to serve', () => apiServerOk(l, adminPki, '/readyz/etcd'), path.join(l.logs, 'kube-apiserver.log'));
    startComponent('kube-scheduler');
    const firstPod = smokePod ? runSmokePod(kubeConfig, core, waitFor, path.join(l.logs, 'kubelet.log')) : Promise.resolve(undefined);
    firstPod.catch(() => undefined); // awaited below; a failure meanwhile must not go unhandled
    await waitFor('kube-apiserver', () => apiServerOk(l, adminPki, '/readyz'), path.join(l.logs, 'kube-apiserver.log'));
    // Only now: these exit when the apiserver's RBAC bootstrap has not yet granted them access.
    startComponent('kube-controller-manager');
    startComponent('kube-proxy');
    await createClusterDns(kubeConfig, dns);
    startInside('coredns', corednsBinary, ['-conf', l.coredns.corefile]);
    step(5, 'kube-apiserver ready; started kube-scheduler, kube-controller-manager, kube-proxy and CoreDNS; waiting for the node to be Ready…');
    await waitFor('the node', () => nodeReady(core), path.join(l.logs, 'kubelet.log'));
    await waitFor('CoreDNS', () => httpOkInside(l, l.ports.corednsReady, '/ready'), path.join(l.logs, 'coredns.log'));
    const pause = await pausePulled;
    if (pause.exitCode !== 0) log(`  pulling ${sandboxImage} ahead failed (the kubelet will pull it): ${String(pause.all ?? '').split('\n').slice(-1).join('')}`);
    if (smokePod) step(6, 'node Ready; waiting for the first pod, started with the API server, to run…');
    const firstPodRunning = await firstPod;
    const firstPodNote = firstPodRunning === undefined ? '' : ` (first pod Running at ${((firstPodRunning - began) / 1000).toFixed(1)} s)`;
    step(7, `cluster ready in ${((Date.now() - began) / 1000).toFixed(1)} s${firstPodNote} — KUBECONFIG=${l.adminKubeconfig}`);
    await writePrivate(l.stateFile, JSON.stringify({ pids: supervisor.pids, startedAt: new Date(began).toISOString(), ports: l.ports }, null, 2));
    // A detached cluster (cluster:up) outlives this process: its lock would read as a dead run's,
    // and the next run would take the directory and tear the cluster down. It names the API
    // forwarder instead, which lives as long as the cluster: a run beside it moves on to local-2.
    const forwarder = supervisor.pids['api-forwarder'];
    if (this.options.detached && forwarder) await handOverStateDir(l.root, forwarder);

    const version = (await execa(path.join(binDir, 'kubectl'), ['version', '--client', '-o', 'json'])).stdout;
    return new StartedLocalCluster(l, kubeConfig, (JSON.parse(version) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion, binDir, fault.signal, stopAndClean);
  }
}

function throwIfInterrupted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HarnessError('the cluster start was interrupted; everything it had made is removed');
}

/** The directory of the containerd, shim and ctr this version runs with (containerd/containerd-settings.ts). */
async function containerdBinaries(choice: ContainerdChoice, log: (line: string) => void): Promise<string> {
  return choice.source === 'host' ? '/usr/bin' : ensureContainerdBinaries(log, choice.version);
}

/** The first pod's image: tagged, so that the kubelet uses the copy pulled ahead (IfNotPresent). */
const smokeImage = 'r.deso.tech/library/alpine:3.19';

/** Runs the first pod; resolves with the time (Date.now()) it was seen Running. */
async function runSmokePod(kubeConfig: KubeConfig, core: CoreV1Api, waitFor: (what: string, check: () => Promise<boolean>, logFile: string) => Promise<void>, logFile: string): Promise<number> {
  const name = `smoke-${randomBytes(3).toString('hex')}`;
  const namespace = 'kube-system';
  // The ServiceAccount admission refuses pods until the namespace's default ServiceAccount exists;
  // the controller-manager makes it only once all its controllers are started, so make it here.
  // (No token is mounted, so the pod needs nothing else from the controller-manager.)
  // Retried: the API server makes kube-system itself, a moment after it starts to serve.
  await waitFor('the first pod\'s ServiceAccount', () => ensureDefaultServiceAccount(kubeConfig, namespace).then(() => true, () => false), logFile);
  await waitFor('the first pod\'s creation', async () => core.createNamespacedPod({
    namespace,
    body: {
      metadata: { name },
      spec: {
        restartPolicy: 'Never', automountServiceAccountToken: false,
        // The kubelet registers its node with this taint, and the controller-manager's node
        // lifecycle controller lifts it once the node is Ready — the controller-manager starts after
        // the API server's RBAC bootstrap. This pod proves pods start; it need not wait for that.
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [{ name: 'smoke', image: smokeImage, command: ['/bin/sh', '-c', 'echo ok'] }],
      },
    },
  }).then(() => true, () => false), logFile);
  // Running proves what this pod is for (sandbox, network, image pull, container start); waiting
  // for Succeeded as well added the kubelet noticing the exit (its 1 s relist) to every start.
  await waitFor('the first pod', async () => {
    const pod = await core.readNamespacedPod({ name, namespace }).catch(() => undefined);
    if (pod?.status?.phase === 'Failed') throw new HarnessError(`the first pod failed: ${JSON.stringify(pod.status.containerStatuses?.[0]?.state)}`, { fix: `read ${logFile}` });
    return pod?.status?.phase === 'Running' || pod?.status?.phase === 'Succeeded';
  }, logFile);
  const running = Date.now();
  await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
  return running;
}

export class StartedLocalCluster implements StartedCluster {
  readonly provider = 'local';
  readonly kubeconfigPath: string;
  #stopped = false;

  constructor(
    readonly layout: LocalLayout,
    readonly kubeConfig: KubeConfig,
    readonly version: string,
    readonly kubectlDir: string,
    readonly fault: AbortSignal,
    private readonly stopAndClean: () => Promise<void>,
  ) {
    this.kubeconfigPath = layout.adminKubeconfig;
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.stopAndClean();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}
