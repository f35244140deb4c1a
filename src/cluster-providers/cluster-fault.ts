// A cluster that breaks while lessons run (a component dies, the API server stops answering) must
// end the run at once as the harness's failure, naming the component — not let every later
// command of the lesson fail and be reported against the lesson after its timeouts.
import { Health, type KubeConfig } from '@kubernetes/client-node';
import { HarnessError } from '../errors/harness-error.ts';

/** The reason of a StartedCluster's `fault` signal: which component failed, and its last words. */
export class ClusterFault extends HarnessError {
  constructor(
    readonly component: string,
    /** What happened, e.g. "exited (signal SIGKILL)" or "did not answer /readyz 3 times in a row". */
    readonly what: string,
    /** The last lines of the component's log, indented, or '' when there is none to read. */
    readonly logTail: string,
    readonly logFile: string | undefined,
  ) {
    // The first line says it all (reports quote it alone); the log's last lines follow.
    super(`the cluster failed: ${component} ${what}${logTail ? `\nLast lines of ${logFile ?? 'its log'}:\n${logTail}` : ''}`, {
      fix: `this is no finding against the lesson: ${logFile ? `read ${logFile} to see why ${component} ended, then ` : ''}run the lesson again`,
    });
    this.name = 'ClusterFault';
  }
}

/** Defaults of the API server watch, for providers whose components the harness cannot see (kind, kubeconfig). */
export const apiWatchDefaults = {
  /** One look every 3 s … */
  intervalMs: 3_000,
  /** … each allowed 2 s (a loaded 2-core machine answers /readyz in milliseconds) … */
  timeoutMs: 2_000,
  /** … and three misses in a row are a fault: detected 6–11 s after the API server stops. */
  failures: 3,
} as const;

/**
 * Looks at the API server's /readyz periodically; aborts `controller` with a ClusterFault once it
 * missed `failures` looks in a row. Returns the stop function (call it before stopping the cluster).
 */
export function watchApiServer(kubeConfig: KubeConfig, controller: AbortController, options: Partial<Record<keyof typeof apiWatchDefaults, number>> = {}): () => void {
  const { intervalMs, timeoutMs, failures } = { ...apiWatchDefaults, ...options };
  const health = new Health(kubeConfig);
  let missed = 0;
  let last = '';
  let busy = false;
  const timer = setInterval(() => {
    if (busy || controller.signal.aborted) return;
    busy = true;
    void health.readyz({ signal: AbortSignal.timeout(timeoutMs) }).then(
      (ready) => (ready ? '' : '/readyz answered not ready'),
      (error: Error) => `${error.message}${error.cause ? `: ${(error.cause as Error).message}` : ''}`,
    ).then((problem) => {
      busy = false;
      missed = problem ? missed + 1 : 0;
      last = problem || last;
      if (missed >= failures && !controller.signal.aborted) {
        controller.abort(new ClusterFault('kube-apiserver', `did not answer /readyz ${failures} times in a row, ${intervalMs / 1000} s apart (last: ${last})`, '', undefined));
      }
    });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
