// Questions every cluster start and every first pod asks: is a node Ready, and may pods be created
// in a namespace yet (the ServiceAccount admission refuses them until its default ServiceAccount exists).
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { HarnessError } from '../errors/harness-error.ts';

export async function nodeReady(core: CoreV1Api): Promise<boolean> {
  const nodes = await core.listNode().catch(() => undefined);
  return nodes?.items.some((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) ?? false;
}

/**
 * Makes the namespace's `default` ServiceAccount rather than waiting for the controller-manager's
 * ServiceAccount controller to: on a cluster just started, that controller comes up seconds after
 * the API server (bench:cluster shows the rows), and until then the ServiceAccount admission
 * refuses every pod. Creating it is exactly what the controller would do; it finds it there and
 * leaves it. Already there (the controller was first): fine.
 */
export async function ensureDefaultServiceAccount(kubeConfig: KubeConfig, namespace: string): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace, body: { metadata: { name: 'default' } } }).catch((error: unknown) => {
    if ((error as { code?: number }).code !== 409) throw error;
  });
}

export async function waitForDefaultServiceAccount(kubeConfig: KubeConfig, namespace: string, timeoutMs = 30_000): Promise<void> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const deadline = Date.now() + timeoutMs;
  while (!(await core.readNamespacedServiceAccount({ name: 'default', namespace }).then(() => true, () => false))) {
    if (Date.now() > deadline) throw new HarnessError(`namespace ${namespace} got no default ServiceAccount within ${timeoutMs / 1000} s`, { fix: 'check that kube-controller-manager runs (its log is in the cluster logs)' });
    await new Promise((r) => setTimeout(r, 100));
  }
}
