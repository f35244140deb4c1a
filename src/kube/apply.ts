// kubectl-apply-like creation of the objects in a YAML file, through server-side apply.
import { KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import YAML from 'yaml';
import { HarnessError } from '../errors/harness-error.ts';

export function parseManifests(text: string, file: string): KubernetesObject[] {
  const docs = YAML.parseAllDocuments(text);
  const objects: KubernetesObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      throw new HarnessError(`${file}:${(e?.linePos?.[0]?.line ?? 0)}: invalid YAML: ${e?.message}`, { fix: 'fix the YAML syntax at that line' });
    }
    const obj = doc.toJS() as KubernetesObject | null;
    if (!obj) continue;
    if (!obj.apiVersion || !obj.kind) throw new HarnessError(`${file}: a document has no apiVersion or kind`, { fix: 'every manifest needs apiVersion, kind and metadata.name' });
    objects.push(obj);
  }
  return objects;
}

export async function applyObjects(kubeConfig: KubeConfig, objects: KubernetesObject[], namespace: string): Promise<KubernetesObject[]> {
  const client = KubernetesObjectApi.makeApiClient(kubeConfig);
  const applied: KubernetesObject[] = [];
  for (const obj of objects) {
    const spec = { ...obj, metadata: { ...obj.metadata, namespace } };
    try {
      applied.push(await client.patch(spec, undefined, undefined, 'lesson-harness', true, PatchStrategy.ServerSideApply));
    } catch (error) {
      throw new HarnessError(`applying ${obj.kind} ${obj.metadata?.name} failed: ${(error as { body?: string }).body ?? (error as Error).message}`, {
        fix: 'the API server refused the manifest: its message above names the field', cause: error,
      });
    }
  }
  return applied;
}
