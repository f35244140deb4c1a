// The lesson's identity on the real cluster, through the sandbox as lessons use it: what it must be
// able to do (run a Job in its namespace) and what it must not (other namespaces' secrets,
// impersonation, cluster-wide objects, privileged pods) — and that revoke() ends it.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createNamespace, deleteNamespace } from '../../src/kube/namespace.ts';
import { createLessonCredentials, type LessonCredentials } from '../../src/sandbox/lesson-credentials.ts';
import { createSandbox, type Sandbox } from '../../src/sandbox/sandbox.ts';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';
import { timed } from './support.ts';

describe('hostile lessons: the lesson identity', function () {
  this.timeout(120_000);
  let scratch: string;
  let namespace: string;
  let credentials: LessonCredentials;
  let sandbox: Sandbox;
  let other: string;
  const sh = async (script: string) => {
    const result = await sandbox.run(`OTHER=${other}\n${script}`, { timeoutMs: 60_000 });
    return { code: result.exitCode, out: result.output.trim() };
  };

  before(async () => {
    const cluster = sharedCluster();
    scratch = await mkdtemp(path.join(os.tmpdir(), 'lesson-'));
    other = await createNamespace(cluster.kubeConfig, 'lh-other');
    namespace = await createNamespace(cluster.kubeConfig, 'lh-identity');
    credentials = (await timed('identity: create', () => createLessonCredentials(cluster.kubeConfig, { namespace, kubeconfigPath: path.join(scratch, '.kubeconfig') }))).value;
    sandbox = await createSandbox({ scratch, kubectlDir: cluster.kubectlDir, kubeconfig: credentials.kubeconfigPath, apiServer: credentials.apiServer });
  });
  after(async () => {
    await sandbox?.dispose();
    await credentials?.revoke();
    for (const ns of [namespace, other]) if (ns) await deleteNamespace(sharedCluster().kubeConfig, ns);
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('its kubeconfig is 0600, a token for a ServiceAccount, never the admin\'s', async () => {
    expect((await stat(credentials.kubeconfigPath)).mode & 0o777).to.equal(0o600);
    const { out } = await sh('kubectl auth whoami -o jsonpath="{.status.userInfo.username} {.status.userInfo.groups}"');
    expect(out).to.equal(`system:serviceaccount:${namespace}:lesson ["system:serviceaccounts","system:serviceaccounts:${namespace}","system:authenticated"]`);
  });

  it('runs a Job to completion in its namespace and reads its logs', async () => {
    const { code, out } = await sh('kubectl create job hello --image=r.deso.tech/library/alpine:latest -- /bin/sh -c "echo hello from the job" >/dev/null && kubectl wait --for=condition=complete job/hello --timeout=50s >/dev/null && kubectl logs job/hello');
    expect([code, out]).to.deep.equal([0, 'hello from the job']);
  });

  it('reads nodes, and secrets of its own namespace', async () => {
    expect((await sh('kubectl get nodes -o name | head -1')).out).to.match(/^node\//);
    expect((await sh('kubectl create secret generic mine --from-literal=a=b >/dev/null && kubectl get secret mine -o jsonpath="{.data.a}"')).out).to.equal('Yg==');
  });

  const refused: [string, string, RegExp][] = [
    ['read secrets in kube-system', 'kubectl get secrets -n kube-system', /cannot list resource "secrets" in API group "" in the namespace "kube-system"/],
    // The wording changed with constrained impersonation (k8s.io/apiserver filters/impersonation, feature ConstrainedImpersonation, beta and on by default from 1.36); both forms name it.
    ['impersonate a user', 'kubectl get pods --as=admin', /\(Forbidden\)[\s\S]*cannot impersonate/],
    ['impersonate system:masters', 'kubectl get pods --as=x --as-group=system:masters', /\(Forbidden\)[\s\S]*cannot impersonate/],
    ['create a ClusterRoleBinding to cluster-admin', 'kubectl create clusterrolebinding me --clusterrole=cluster-admin --user=x', /cannot create resource "clusterrolebindings"/],
    ['bind cluster-admin in its namespace', 'kubectl create rolebinding me --clusterrole=cluster-admin --serviceaccount=$(kubectl config view --minify -o jsonpath="{..namespace}"):lesson', /is attempting to grant RBAC permissions not currently held/],
    ['label its namespace privileged', 'kubectl label namespace $(kubectl config view --minify -o jsonpath="{..namespace}") pod-security.kubernetes.io/enforce=privileged --overwrite', /cannot patch resource "namespaces"/],
    ['run a privileged pod', 'kubectl run p --image=r.deso.tech/library/alpine:latest --overrides=\'{"spec":{"containers":[{"name":"p","image":"r.deso.tech/library/alpine:latest","securityContext":{"privileged":true}}]}}\'', /violates PodSecurity "baseline:latest": privileged/],
    ['mount the node\'s root', 'kubectl run p --image=r.deso.tech/library/alpine:latest --overrides=\'{"spec":{"volumes":[{"name":"h","hostPath":{"path":"/"}}]}}\'', /violates PodSecurity "baseline:latest": hostPath volumes/],
    ['delete a namespace it did not create', 'kubectl delete namespace "$OTHER"', /a lesson may delete only the namespaces it created/],
    ['create a webhook', 'printf "apiVersion: admissionregistration.k8s.io/v1\\nkind: ValidatingWebhookConfiguration\\nmetadata: {name: x}\\n" | kubectl create -f -', /cannot create resource "validatingwebhookconfigurations"/],
  ];
  for (const [what, command, message] of refused) {
    it(`cannot ${what}`, async () => {
      const { code, out } = await sh(command);
      expect(code, out).to.not.equal(0);
      expect(out).to.match(message);
    });
  }

  it('after revoke(), its rights are gone at once and its token within the API server\'s 10 s token cache', async () => {
    await credentials.revoke();
    const first = await sh('kubectl get pods');
    expect(first.code, first.out).to.not.equal(0);
    expect(first.out).to.match(/Forbidden|Unauthorized|must be logged in/);
    let last = first;
    for (let i = 0; i < 30 && !/Unauthorized|must be logged in/.test(last.out); i++) {
      await new Promise((r) => setTimeout(r, 500));
      last = await sh('kubectl get pods');
    }
    expect(last.out).to.match(/Unauthorized|must be logged in/);
  });
});
