// The Kubernetes versions the harness builds and runs: one pin file (config/kubernetes-versions.json,
// rewritten by scripts/pin-kubernetes.ts from the Go module proxy) and the one parser of version
// specs, shared by `--kubernetes`, LESSON_HARNESS_KUBERNETES and the local provider.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './project-root.ts';

export interface KubernetesVersionPins {
  /** The newest patch of the newest stable minor: what a cluster runs unless told otherwise. */
  default: string;
  /** The newest patch of each of the three newest stable minors (upstream's support window), oldest first. */
  supported: string[];
  /** Still buildable (their module files are kept), but not part of `supported`. */
  outOfSupport: string[];
  /**
   * The containerd 2 that scripts/build-containerd.sh builds for the versions whose kubelet needs
   * more than Debian's containerd 1.6 (src/cluster-providers/containerd/containerd-settings.ts says which).
   */
  containerd: string;
}

export const kubernetesVersionsFile = path.join(projectRoot, 'config', 'kubernetes-versions.json');

const patchVersion = /^v?1\.(\d+)\.(\d+)$/;
const minorVersion = /^v?1\.(\d+)$/;

/** The minor of a version such as v1.37.2 (37). */
export function kubernetesMinor(version: string): number {
  const match = patchVersion.exec(version) ?? minorVersion.exec(version);
  if (!match) throw new TypeError(`Expected a Kubernetes version like v1.37.2, got \`${version}\``);
  return Number(match[1]);
}

/** Orders versions oldest first (v1.9.0 before v1.10.0). */
export function compareKubernetesVersions(a: string, b: string): number {
  const parts = (v: string): number[] => v.replace(/^v/, '').split('.').map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Checks the pin file's shape, so that a hand edit gone wrong is named rather than half-used. */
export function validatePins(value: unknown, source = kubernetesVersionsFile): KubernetesVersionPins {
  const pins = value as Partial<KubernetesVersionPins> | null;
  const isVersion = (v: unknown): v is string => typeof v === 'string' && /^v1\.\d+\.\d+$/.test(v);
  const isList = (v: unknown): v is string[] => Array.isArray(v) && v.every(isVersion);
  const isContainerd = (v: unknown): v is string => typeof v === 'string' && /^v2\.\d+\.\d+$/.test(v);
  if (!pins || !isVersion(pins.default) || !isList(pins.supported) || !isList(pins.outOfSupport) || !pins.supported.includes(pins.default) || !isContainerd(pins.containerd)) {
    throw new TypeError(`Expected ${source} to hold { default: "v1.X.Y", supported: [...], outOfSupport: [...], containerd: "v2.X.Y" } with the default among the supported versions, got ${JSON.stringify(value)}. Rewrite it with \`npx tsx scripts/pin-kubernetes.ts\`.`);
  }
  return { default: pins.default, supported: pins.supported, outOfSupport: pins.outOfSupport, containerd: pins.containerd };
}

/** Reads the pin file (when asked, never at import time). */
export function loadKubernetesVersionPins(file = kubernetesVersionsFile): KubernetesVersionPins {
  return validatePins(JSON.parse(readFileSync(file, 'utf8')), file);
}

/** Every pinned version, oldest first. */
export function pinnedKubernetesVersions(pins: KubernetesVersionPins): string[] {
  return [...new Set([...pins.supported, ...pins.outOfSupport, pins.default])].sort(compareKubernetesVersions);
}

/**
 * The versions a spec names, oldest first and without repeats. A spec is a comma-separated list of
 * `default`, `supported` (the three newest minors), a minor (`1.36`, its pinned patch) or a pinned
 * version (`v1.36.3`; only pinned ones have module files to build from).
 */
export function resolveKubernetesVersions(spec: string, pins: KubernetesVersionPins = loadKubernetesVersionPins()): string[] {
  const pinned = pinnedKubernetesVersions(pins);
  const accepted = (): string =>
    `\`default\` (${pins.default}), \`supported\` (${pins.supported.join(', ')}), a pinned minor (${pinned.map((v) => v.replace(/^v(\d+\.\d+)\..*/, '$1')).join(', ')}) or a pinned version (${pinned.join(', ')}), comma-separated`;
  const one = (item: string): string[] => {
    if (item === 'default') return [pins.default];
    if (item === 'supported') return pins.supported;
    if (patchVersion.test(item)) {
      const version = item.startsWith('v') ? item : `v${item}`;
      if (pinned.includes(version)) return [version];
    } else if (minorVersion.test(item)) {
      const minor = kubernetesMinor(item);
      const newest = pinned.filter((v) => kubernetesMinor(v) === minor).at(-1);
      if (newest) return [newest];
    }
    throw new TypeError(`Expected a Kubernetes version spec: ${accepted()}; got \`${item}\` in \`${spec}\``);
  };
  const items = spec.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new TypeError(`Expected a Kubernetes version spec: ${accepted()}; got \`${spec}\``);
  return [...new Set(items.flatMap(one))].sort(compareKubernetesVersions);
}

/**
 * The one version a single cluster runs: `spec` (e.g. from LocalClusterOptions), else
 * LESSON_HARNESS_KUBERNETES, else the pinned default.
 */
export function singleKubernetesVersion(spec: string | undefined = process.env.LESSON_HARNESS_KUBERNETES, pins?: KubernetesVersionPins): string {
  const versions = resolveKubernetesVersions(spec === undefined || spec === '' ? 'default' : spec, pins);
  if (versions.length !== 1) {
    throw new TypeError(`Expected one Kubernetes version for a single cluster, got \`${spec}\` (${versions.join(', ')}). Name one version (LESSON_HARNESS_KUBERNETES=1.36), or run a matrix with --kubernetes.`);
  }
  return versions[0] as string;
}

/**
 * The pins for the versions a module proxy serves (scripts/pin-kubernetes.ts): the newest patch of
 * each of the three newest stable minors (no alphas, betas or release candidates); versions pinned
 * before that leave the window stay buildable as out of support.
 */
export function pickKubernetesPins(served: string[], previous: KubernetesVersionPins): KubernetesVersionPins {
  const stable = served.filter((v) => /^v1\.\d+\.\d+$/.test(v)).sort(compareKubernetesVersions);
  const newestPerMinor = new Map<number, string>();
  for (const v of stable) newestPerMinor.set(kubernetesMinor(v), v);
  const supported = [...newestPerMinor.values()].slice(-3);
  const newest = supported.at(-1);
  if (!newest) throw new TypeError(`Expected the module proxy to serve stable k8s.io/kubernetes versions, got \`${served.join(' ')}\``);
  const supportedMinors = new Set(supported.map(kubernetesMinor));
  const outOfSupport = [...new Set([...previous.supported, ...previous.outOfSupport])]
    .filter((v) => !supportedMinors.has(kubernetesMinor(v)) && kubernetesMinor(v) < kubernetesMinor(newest))
    .sort(compareKubernetesVersions);
  return { default: newest, supported, outOfSupport, containerd: previous.containerd };
}
