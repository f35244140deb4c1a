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

export async function resolveProvider(options: { provider?: string; kubeconfig?: string } = {}, env = process.env, docker = dockerReachable): Promise<ProviderChoice> {
  const kubeconfig = options.kubeconfig ?? env.LESSON_HARNESS_KUBECONFIG;
  const requested = options.provider ?? env.LESSON_HARNESS_PROVIDER ?? 'auto';
  switch (requested) {
    case 'local':
      return { provider: new LocalClusterProvider(), reason: 'asked for (local)' };
    case 'kubeconfig':
      if (!kubeconfig) throw new HarnessError('the kubeconfig provider needs a kubeconfig file', { fix: 'set LESSON_HARNESS_KUBECONFIG=path or pass --kubeconfig path' });
      return { provider: new KubeconfigProvider(kubeconfig), reason: `asked for (kubeconfig ${kubeconfig})` };
    case 'auto':
      if (kubeconfig) return { provider: new KubeconfigProvider(kubeconfig), reason: `a kubeconfig was given (${kubeconfig})` };
      if (await docker()) return { provider: new KindClusterProvider(), reason: 'a Docker engine answers (set LESSON_HARNESS_PROVIDER=local for the embedded cluster)' };
      return { provider: new LocalClusterProvider(), reason: 'the embedded default (no kubeconfig given, no Docker engine)' };
    case 'kind':
      return { provider: new KindClusterProvider(), reason: 'asked for (kind)' };
    default:
      throw new TypeError(`Expected LESSON_HARNESS_PROVIDER to be one of auto, local, kubeconfig, kind; got \`${requested}\``);
  }
}
