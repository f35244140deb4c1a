// A namespace per exercise with a random suffix, ready for pods before anything is applied.
import { randomBytes } from 'node:crypto';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { waitForDefaultServiceAccount } from './readiness.ts';

/** The label of every namespace the harness makes itself: never a lesson's, whatever its creation time. */
export const HARNESS_NAMESPACE_LABEL = { 'app.kubernetes.io/managed-by': 'lesson-harness' } as const;

export function isHarnessNamespace(labels: Record<string, string> | undefined): boolean {
  return labels?.['app.kubernetes.io/managed-by'] === 'lesson-harness';
}

export async function createNamespace(kubeConfig: KubeConfig, prefix: string, timeoutMs = 30_000): Promise<string> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40)}-${randomBytes(3).toString('hex')}`;
  await core.createNamespace({ body: { metadata: { name, labels: { ...HARNESS_NAMESPACE_LABEL } } } });
  // Pods are refused until the controller-manager has made the default ServiceAccount. A Job
  // controller that meets that refusal backs off for seconds, which would distort the exercise's
  // timing (and eat into activeDeadlineSeconds), so wait for it here.
  await waitForDefaultServiceAccount(kubeConfig, name, timeoutMs);
  return name;
}

/** Deletes without waiting: namespace deletion is slow and nothing depends on its end. */
export async function deleteNamespace(kubeConfig: KubeConfig, name: string): Promise<void> {
  await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name, propagationPolicy: 'Background' }).catch(() => undefined);
}
