// The identity lesson commands run as: never the harness's admin. A ServiceAccount token from the
// TokenRequest API works on every provider (local, kind, an operator's real cluster). The policy:
//
// - in the lesson's namespace (the student's `default`): the built-in `admin` role — workloads,
//   services, configmaps, secrets, events, pods/exec, pods/log, pods/portforward, roles and
//   bindings — under Pod Security `baseline`, so no privileged or hostPath pod reaches the node;
// - cluster-wide: read nodes; list/create namespaces; delete only namespaces created after this
//   identity (a ValidatingAdmissionPolicy: RBAC cannot say "created by me"), so never kube-system,
//   never the lesson's own namespace (no student can delete `default` either);
// - a namespace created after the identity gets the same `admin` binding and `baseline` label as it
//   appears, and revoke() deletes it (cluster-scoped objects a lesson makes are cleaned up);
// - nothing else: no other namespace's secrets, no impersonation of users or groups, not
//   system:masters, no other cluster-scoped object.
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig, KubernetesObjectApi, PatchStrategy, Watch, type KubernetesObject, type V1Namespace } from '@kubernetes/client-node';
import YAML from 'yaml';
import { HarnessError } from '../errors/harness-error.ts';
import { isHarnessNamespace } from '../kube/namespace.ts';
import { loopbackServer } from './sandbox.ts';

export interface LessonCredentials {
  /** The lesson's kubeconfig (0600): its token, the cluster's CA, server 127.0.0.1:<port> of the sandbox. */
  readonly kubeconfigPath: string;
  /** Where the sandbox forwards that port: the API server of the admin kubeconfig. */
  readonly apiServer: { host: string; port: number };
  /** e.g. system:serviceaccount:lh-lesson-1a2b3c:lesson */
  readonly username: string;
  /** Namespaces the lesson created so far. */
  readonly createdNamespaces: readonly string[];
  /** Deletes the identity and every namespace the lesson created; returns those namespaces. */
  revoke(): Promise<string[]>;
}

export interface LessonCredentialsOptions {
  namespace: string;
  kubeconfigPath: string;
  /** Token lifetime (the API's minimum is 600 s). A lesson that outlives it gets Unauthorized. */
  tokenSeconds?: number;
  log?: (line: string) => void;
}

const serviceAccount = 'lesson';
const podSecurity = { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'baseline' };

export async function createLessonCredentials(admin: KubeConfig, options: LessonCredentialsOptions): Promise<LessonCredentials> {
  const { namespace } = options;
  const log = options.log ?? (() => undefined);
  const objects = KubernetesObjectApi.makeApiClient(admin);
  const core = admin.makeApiClient(CoreV1Api);
  const username = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const name = `lesson-harness-${namespace}-${randomBytes(2).toString('hex')}`;
  const created: KubernetesObject[] = [];
  const create = async <T extends KubernetesObject>(object: T): Promise<T> => {
    const made = await objects.create(object).catch((error: unknown) => {
      throw new HarnessError(`creating the lesson identity failed at ${object.kind} ${object.metadata?.name}: ${bodyOf(error)}`, {
        fix: 'the harness\'s kubeconfig must be allowed to manage ServiceAccounts, RBAC and ValidatingAdmissionPolicies (cluster-admin), on Kubernetes ≥ 1.30', cause: error,
      });
    });
    created.push(object);
    return made as T;
  };
  const createdNamespaces: string[] = [];
  let watch: AbortController | undefined;

  const revoke = async (): Promise<string[]> => {
    watch?.abort();
    for (const object of created.splice(0).reverse()) await objects.delete(object).catch(() => undefined);
    for (const ns of createdNamespaces) await core.deleteNamespace({ name: ns, propagationPolicy: 'Background' }).catch(() => undefined);
    return [...createdNamespaces];
  };

  try {
    await objects.patch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: podSecurity } }, undefined, undefined, 'lesson-harness', undefined, PatchStrategy.MergePatch);
    const sa: KubernetesObject = await create({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: serviceAccount, namespace } });
    // "Created after this identity" is measured on the API server's clock, by the object it made.
    const since = sa.metadata?.creationTimestamp ? new Date(sa.metadata.creationTimestamp) : new Date();
    // Timestamps have whole seconds: namespaces of the identity's own second that exist now are
    // older than it, by name (the lesson's own namespace among them).
    const existing = (await core.listNamespace()).items;
    const before = existing.map((n) => n.metadata?.name ?? '');
    const sameSecond = existing
      .filter((n) => n.metadata?.creationTimestamp && new Date(n.metadata.creationTimestamp).getTime() >= since.getTime())
      .map((n) => n.metadata?.name ?? '');
    const subject = { kind: 'ServiceAccount', name: serviceAccount, namespace };
    await create(adminBinding(namespace, subject));
    await create({
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name },
      rules: [
        { apiGroups: [''], resources: ['namespaces'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
        { apiGroups: [''], resources: ['nodes'], verbs: ['get', 'list', 'watch'] },
      ],
    } as KubernetesObject);
    await create({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name }, subjects: [subject] } as KubernetesObject);
    await create({
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['namespaces'] }] },
        matchConditions: [{ name: 'lesson-identity', expression: `request.userInfo.username == '${username}'` }],
        validations: [{
          // Never a namespace of the harness's own (another lesson's, running beside this one).
          expression: `timestamp(oldObject.metadata.creationTimestamp) >= timestamp('${since.toISOString().replace(/\.\d+Z$/, 'Z')}') && !(oldObject.metadata.name in ${JSON.stringify([...new Set([namespace, ...sameSecond])])})`
            + " && !(has(oldObject.metadata.labels) && 'app.kubernetes.io/managed-by' in oldObject.metadata.labels && oldObject.metadata.labels['app.kubernetes.io/managed-by'] == 'lesson-harness')",
          message: 'a lesson may delete only the namespaces it created',
        }],
      },
    } as KubernetesObject);
    await create({ apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec: { policyName: name, validationActions: ['Deny'] } } as KubernetesObject);

    const request = await core.createNamespacedServiceAccountToken({ name: serviceAccount, namespace, body: { spec: { audiences: [], expirationSeconds: options.tokenSeconds ?? 3600 } } });
    const token = request.status?.token;
    if (!token) throw new HarnessError(`the TokenRequest for ${username} returned no token`, { fix: 'check that the API server serves serviceaccounts/token (it does from Kubernetes 1.22 on)' });
    const cluster = admin.getCurrentCluster();
    if (!cluster) throw new HarnessError('the admin kubeconfig has no current cluster', { fix: 'set a current-context in the kubeconfig' });
    const server = new URL(cluster.server);
    const apiServer = { host: server.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(server.port || 443) };
    await writeLessonKubeconfig(options.kubeconfigPath, {
      server: loopbackServer(apiServer),
      tlsServerName: apiServer.host === '127.0.0.1' ? undefined : apiServer.host,
      ca: cluster.caData ?? (cluster.caFile ? (await readFile(cluster.caFile)).toString('base64') : undefined),
      insecure: cluster.skipTLSVerify,
      token,
      namespace,
    });
    await untilPolicyEnforced(admin, namespace, token);
    watch = await followNewNamespaces(admin, since, new Set(before), async (ns) => {
      createdNamespaces.push(ns);
      log(`    lesson namespace ${ns}: admin for the lesson, Pod Security baseline`);
      await objects.patch({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: podSecurity } }, undefined, undefined, 'lesson-harness', undefined, PatchStrategy.MergePatch);
      await objects.create(adminBinding(ns, subject)).catch(() => undefined);
    });
    return { kubeconfigPath: options.kubeconfigPath, apiServer, username, createdNamespaces, revoke };
  } catch (error) {
    await revoke();
    throw error;
  }
}

function adminBinding(namespace: string, subject: { kind: string; name: string; namespace: string }): KubernetesObject {
  return {
    // One binding per identity: two lessons running at once must not take each other's name.
    apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: { name: `lesson-admin-${subject.namespace}`.slice(0, 253), namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'admin' }, subjects: [subject],
  } as KubernetesObject;
}

async function writeLessonKubeconfig(file: string, c: { server: string; tlsServerName: string | undefined; ca: string | undefined; insecure: boolean; token: string; namespace: string }): Promise<void> {
  const config = {
    apiVersion: 'v1', kind: 'Config', 'current-context': 'lesson',
    clusters: [{ name: 'lesson', cluster: { server: c.server, ...(c.ca ? { 'certificate-authority-data': c.ca } : {}), ...(c.insecure ? { 'insecure-skip-tls-verify': true } : {}), ...(c.tlsServerName ? { 'tls-server-name': c.tlsServerName } : {}) } }],
    users: [{ name: 'lesson', user: { token: c.token } }],
    contexts: [{ name: 'lesson', context: { cluster: 'lesson', user: 'lesson', namespace: c.namespace } }],
  };
  await writeFile(file, YAML.stringify(config), { mode: 0o600 });
}

/**
 * Admission policies take effect a moment after they are created. No token leaves here before the
 * policy refuses this identity a (dry-run) deletion of its own namespace.
 */
async function untilPolicyEnforced(admin: KubeConfig, namespace: string, token: string): Promise<void> {
  const lesson = new KubeConfig();
  const cluster = admin.getCurrentCluster();
  if (!cluster) return;
  lesson.loadFromOptions({
    clusters: [{ ...cluster, name: 'c' }], users: [{ name: 'u', token }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x',
  });
  const core = lesson.makeApiClient(CoreV1Api);
  let last = '';
  for (let i = 0; i < 100; i++) {
    const result = await core.deleteNamespace({ name: namespace, dryRun: 'All' }).then(() => 'allowed', (error: unknown) => bodyOf(error));
    if (/only the namespaces it created/.test(result)) return;
    last = result;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new HarnessError(`the admission policy that keeps lessons from deleting other namespaces is not enforced after 10 s (last answer: ${last})`, {
    fix: 'the cluster needs ValidatingAdmissionPolicy (Kubernetes ≥ 1.30, admissionregistration.k8s.io/v1 served)',
  });
}

/** Calls `onNew` for each namespace created after `since` (by the lesson: nobody else makes one on the harness's clusters). */
async function followNewNamespaces(admin: KubeConfig, since: Date, existing: Set<string>, onNew: (name: string) => Promise<void>): Promise<AbortController> {
  const seen = new Set(existing);
  const stop = new AbortController();
  const start = async (): Promise<void> => {
    if (stop.signal.aborted) return;
    const request = await new Watch(admin).watch('/api/v1/namespaces', {}, (phase, object: V1Namespace) => {
      const name = object.metadata?.name;
      const createdAt = object.metadata?.creationTimestamp;
      // The harness's own namespaces (another lesson's, running beside this one) are never this lesson's.
      if (phase !== 'ADDED' || !name || !createdAt || seen.has(name) || new Date(createdAt) < since || isHarnessNamespace(object.metadata?.labels)) return;
      seen.add(name);
      void onNew(name).catch(() => undefined);
    }, () => void setTimeout(() => void start().catch(() => undefined), 500)); // the server ends watches now and then: watch again (a re-list replays ADDED)
    stop.signal.addEventListener('abort', () => request.abort(), { once: true });
  };
  await start();
  return stop;
}

function bodyOf(error: unknown): string {
  const body = (error as { body?: unknown }).body;
  if (typeof body === 'string') {
    try {
      return (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      return body;
    }
  }
  return (error as Error).message;
}
