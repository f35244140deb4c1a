// An existing cluster named by a kubeconfig: the way to run lessons on a real multi-node cluster.
// It is never created or deleted here (only the namespaces the harness makes are removed).
import { access } from 'node:fs/promises';
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { HarnessError } from '../../errors/harness-error.ts';
import { watchApiServer } from '../cluster-fault.ts';
import { stderrLog, type ClusterProvider, type ClusterStartOptions, type StartedCluster } from '../cluster-provider.ts';

export class KubeconfigProvider implements ClusterProvider {
  readonly name = 'kubeconfig';

  constructor(private readonly kubeconfigPath: string, private readonly context?: string) {}

  async start(options: ClusterStartOptions = {}): Promise<StartedCluster> {
    const log = options.log ?? stderrLog;
    if (!(await access(this.kubeconfigPath).then(() => true, () => false))) {
      throw new HarnessError(`kubeconfig ${this.kubeconfigPath} does not exist`, { fix: 'point LESSON_HARNESS_KUBECONFIG (or --kubeconfig) at an existing file' });
    }
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(this.kubeconfigPath);
    if (this.context) kubeConfig.setCurrentContext(this.context);
    const version = await kubeConfig.makeApiClient(VersionApi).getCode().catch((error: unknown) => {
      throw new HarnessError(`cannot reach the cluster of ${this.kubeconfigPath} (context ${kubeConfig.getCurrentContext()}): ${(error as Error).message}`, {
        fix: 'check that the cluster runs and `kubectl --kubeconfig … get nodes` works',
      });
    });
    log(`[kubeconfig] using ${kubeConfig.getCurrentContext()} at ${kubeConfig.getCurrentCluster()?.server} (Kubernetes ${version.gitVersion})`);
    const path = this.kubeconfigPath;
    // Someone else's cluster: the API server answering is all the harness can watch.
    const fault = new AbortController();
    const stopWatching = watchApiServer(kubeConfig, fault);
    const stop = async (): Promise<void> => stopWatching();
    return {
      provider: this.name, kubeconfigPath: path, kubeConfig, version: version.gitVersion, kubectlDir: undefined, fault: fault.signal,
      stop, [Symbol.asyncDispose]: stop,
    };
  }
}
