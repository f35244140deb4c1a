// One interface for every way of getting a cluster: the embedded local one, kind, or an existing kubeconfig.
import type { KubeConfig } from '@kubernetes/client-node';

export interface ClusterStartOptions {
  /** Progress lines for people (a cluster start can take a while); defaults to stderr. */
  log?: (line: string) => void;
  /** Ends the start (Ctrl-C): the provider removes what it had made so far and throws. */
  signal?: AbortSignal;
}

/** A cluster that runs. stop() removes only what this provider created. */
export interface StartedCluster extends AsyncDisposable {
  readonly provider: string;
  /** Path of a kubeconfig file (mode 0600) for kubectl and the client library. */
  readonly kubeconfigPath: string;
  readonly kubeConfig: KubeConfig;
  /** Kubernetes version of the API server, e.g. v1.34.12. */
  readonly version: string;
  /** Directory of a kubectl matching the cluster, to put first on PATH for lesson commands. */
  readonly kubectlDir: string | undefined;
  /**
   * Aborted, with a ClusterFault (./cluster-fault.ts) as its reason, when the cluster breaks after
   * the start: a component of the local cluster ends, or the API server stops answering. stop()
   * never aborts it. Lesson runs abort on it, so that the fault is reported as the harness's.
   */
  readonly fault: AbortSignal;
  stop(): Promise<void>;
}

export interface ClusterProvider {
  readonly name: string;
  start(options?: ClusterStartOptions): Promise<StartedCluster>;
}

export const stderrLog = (line: string): void => {
  process.stderr.write(`${line}\n`);
};
