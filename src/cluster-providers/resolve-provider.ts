// Picks the cluster provider: an explicit choice wins (flag or LESSON_HARNESS_PROVIDER), then a
// kubeconfig the user named, then kind when a Docker engine answers, else the embedded local
// cluster. Callers print the choice and the reason, so a run never silently uses a cluster nobody
// expected.
import { execa } from 'execa';
import { HarnessError } from '../errors/harness-error.ts';
import type { ClusterProvider } from './cluster-provider.ts';
import { KubeconfigProvider } from './kubeconfig/kubeconfig-provider.ts';
import { KindClusterProvider } from './kind/kind-cluster-provider.ts';
import { LocalClusterProvider } from './local/local-cluster-provider.ts';
import { kubernetesVersion as kindKubernetesVersion } from './kind/node-image.ts';

export interface ProviderChoice {
  provider: ClusterProvider;
  reason: string;
}

/** True when a Docker engine answers within a few seconds (the client alone is not enough). */
export async function dockerReachable(): Promise<boolean> {
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 5_000 });
  return result.exitCode === 0 && String(result.stdout).trim() !== '';
}

/** kubernetesVersion: a version for this run (`--kubernetes`); only the local cluster builds any pinned version. */
export async function resolveProvider(options: { provider?: string; kubeconfig?: string; kubernetesVersion?: string } = {}, env = process.env, docker = dockerReachable): Promise<ProviderChoice> {
  const kubeconfig = options.kubeconfig ?? env.LESSON_HARNESS_KUBECONFIG;
  const requested = options.provider ?? env.LESSON_HARNESS_PROVIDER ?? 'auto';
  const version = options.kubernetesVersion;
  const onlyLocal = (name: string): void => {
    if (version !== undefined) throw new TypeError(`Expected no --kubernetes with the ${name} provider: ${name === 'kubeconfig' ? 'an existing cluster runs its own version' : `kind runs its node image's version (${kindKubernetesVersion})`}; use --provider local for a version matrix`);
  };
  const local = (): LocalClusterProvider => new LocalClusterProvider(version === undefined ? {} : { kubernetesVersion: version });
  switch (requested) {
    case 'local':
      return { provider: local(), reason: 'asked for (local)' };
    case 'kubeconfig':
      onlyLocal('kubeconfig');
      if (!kubeconfig) throw new HarnessError('the kubeconfig provider needs a kubeconfig file', { fix: 'set LESSON_HARNESS_KUBECONFIG=path or pass --kubeconfig path' });
      return { provider: new KubeconfigProvider(kubeconfig), reason: `asked for (kubeconfig ${kubeconfig})` };
    case 'auto':
      // A version matrix is the local cluster's to run.
      if (version !== undefined) return { provider: local(), reason: `--kubernetes ${version} (the local cluster builds every pinned version)` };
      if (kubeconfig) return { provider: new KubeconfigProvider(kubeconfig), reason: `a kubeconfig was given (${kubeconfig})` };
      if (await docker()) return { provider: new KindClusterProvider(), reason: 'a Docker engine answers (set LESSON_HARNESS_PROVIDER=local for the embedded cluster)' };
      return { provider: local(), reason: 'the embedded default (no kubeconfig given, no Docker engine)' };
    case 'kind':
      onlyLocal('kind');
      return { provider: new KindClusterProvider(), reason: 'asked for (kind)' };
    default:
      throw new TypeError(`Expected LESSON_HARNESS_PROVIDER to be one of auto, local, kubeconfig, kind; got \`${requested}\``);
  }
}
