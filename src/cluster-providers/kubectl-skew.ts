// Students often have a kubectl older or newer than their cluster. `--kubectl <version>` verifies a
// lesson with such a client: upstream supports kubectl within one minor version of the API server
// (https://kubernetes.io/releases/version-skew-policy/#kubectl), so only that skew is accepted.
import type { StartedCluster } from './cluster-provider.ts';

const minor = (version: string): number => Number(/^v?1\.(\d+)/.exec(version)?.[1] ?? Number.NaN);

/** Throws a TypeError naming the policy when `client` is more than one minor from `server`. */
export function checkKubectlSkew(server: string, client: string): void {
  const skew = minor(client) - minor(server);
  if (!Number.isInteger(skew) || Math.abs(skew) > 1) {
    throw new TypeError(`Expected a kubectl within one minor version of the cluster's ${server} (kubectl's supported skew), got ${client}. Pick a kubectl of ${minor(server) - 1}, ${minor(server)} or ${minor(server) + 1}`);
  }
}

/** The same cluster, with lessons run by the kubectl in `kubectlDir`; everything else is the cluster's own. */
export function withKubectl(cluster: StartedCluster, kubectlDir: string): StartedCluster {
  return new Proxy(cluster, {
    get(target, property) {
      if (property === 'kubectlDir') return kubectlDir;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the cluster itself (its private fields are not on the proxy).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
