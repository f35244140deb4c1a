// Picks the cluster provider: an explicit choice wins, then a kubeconfig the user named, else the
// embedded local cluster. Prints the choice and the reason, so a run never silently uses a
// cluster nobody expected.
import { HarnessError } from '../errors/harness-error.ts';
import type { ClusterProvider } from './cluster-provider.ts';
import { KubeconfigProvider } from './kubeconfig/kubeconfig-provider.ts';
import { LocalClusterProvider } from './local/local-cluster-provider.ts';

export interface ProviderChoice {
  provider: ClusterProvider;
  reason: string;
}

export function resolveProvider(options: { provider?: string; kubeconfig?: string } = {}, env = process.env): ProviderChoice {
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
      return { provider: new LocalClusterProvider(), reason: 'the embedded default (no kubeconfig given)' };
    case 'kind':
      throw new HarnessError('the kind provider is not available in this version', { fix: 'use LESSON_HARNESS_PROVIDER=local (default) or kubeconfig' });
    default:
      throw new TypeError(`Expected LESSON_HARNESS_PROVIDER to be one of auto, local, kubeconfig, kind; got \`${requested}\``);
  }
}
