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

export interface ProviderChoice {
  provider: ClusterProvider;
  reason: string;
}

/** True when a Docker engine answers within a few seconds (the client alone is not enough). */
export async function dockerReachable(): Promise<boolean> {
  const result = await execa('docker', ['version', '--format', '{{.Server.Version}}'], { reject: false, timeout: 5_000 });
  return result.exitCode === 0 && String(result.stdout).trim() !== '';
}

/**
 * kubernetesVersion: the one version of this run (`--kubernetes`; a list runs one cluster per
 * version, src/cli/verify.ts). The local cluster and kind's offline node image build any pinned
 * version; kind's published images cover the minors of kind-versions.ts; an existing cluster runs its own.
 */
export async function resolveProvider(options: { provider?: string; kubeconfig?: string; kubernetesVersion?: string } = {}, env = process.env, docker = dockerReachable): Promise<ProviderChoice> {
  const kubeconfig = options.kubeconfig ?? env.LESSON_HARNESS_KUBECONFIG;
  const requested = options.provider ?? env.LESSON_HARNESS_PROVIDER ?? 'auto';
  const version = options.kubernetesVersion;
  const asked = version === undefined ? {} : { kubernetesVersion: version };
  const local = (): LocalClusterProvider => new LocalClusterProvider(asked);
  switch (requested) {
    case 'local':
      return { provider: local(), reason: 'asked for (local)' };
    case 'kubeconfig':
      if (version !== undefined) throw new TypeError('Expected no --kubernetes with the kubeconfig provider: an existing cluster runs its own version; use --provider local or kind for a version matrix');
      if (!kubeconfig) throw new HarnessError('the kubeconfig provider needs a kubeconfig file', { fix: 'set LESSON_HARNESS_KUBECONFIG=path or pass --kubeconfig path' });
      return { provider: new KubeconfigProvider(kubeconfig), reason: `asked for (kubeconfig ${kubeconfig})` };
    case 'auto':
      // A version matrix is the local cluster's to run, unless kind is asked for.
      if (version !== undefined) return { provider: local(), reason: `--kubernetes ${version} (the local cluster builds every pinned version; --provider kind runs it on kind)` };
      if (kubeconfig) return { provider: new KubeconfigProvider(kubeconfig), reason: `a kubeconfig was given (${kubeconfig})` };
      if (await docker()) return { provider: new KindClusterProvider({}, env), reason: 'a Docker engine answers (set LESSON_HARNESS_PROVIDER=local for the embedded cluster)' };
      return { provider: local(), reason: 'the embedded default (no kubeconfig given, no Docker engine)' };
    case 'kind': {
      const kind = new KindClusterProvider(asked, env);
      return { provider: kind, reason: `asked for (kind, ${kind.image.source === 'given' ? kind.image.image : `Kubernetes ${kind.kubernetesVersion}, ${kind.image.source === 'offline' ? 'offline node image' : kind.image.image}`})` };
    }
    default:
      throw new TypeError(`Expected LESSON_HARNESS_PROVIDER to be one of auto, local, kubeconfig, kind; got \`${requested}\``);
  }
}
