// Hostile lessons against the cluster: the lesson's identity may not delete what is not its own,
// and what it made at cluster scope is cleaned up.
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'chai';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';
import { describeFindings, verifyFixture } from './support.ts';

describe('hostile lessons: the cluster', function () {
  this.timeout(120_000);

  it('deleting its own namespace (and default): refused, reported, the harness cleans up as usual', async () => {
    const { findings } = await verifyFixture('delete-own-namespace.md');
    const failed = findings.filter((f) => f.title === 'command failed');
    expect(failed.map((f) => f.line), describeFindings(findings)).to.deep.equal([6, 10]);
    expect(failed[0]?.clusterDid).to.match(/denied request: a lesson may delete only the namespaces it created/);
    expect(failed[1]?.clusterDid, 'default is protected by the API server itself').to.match(/namespaces "default" is forbidden: this namespace may not be deleted/);
    const core = sharedCluster().kubeConfig.makeApiClient(CoreV1Api);
    expect((await core.readNamespace({ name: 'default' })).status?.phase).to.equal('Active');
  });

  it('a namespace it creates is deleted after the lesson; a ClusterRole it may not create', async () => {
    const { findings } = await verifyFixture('cluster-scoped.md');
    expect(findings.filter((f) => f.title === 'command failed').map((f) => [f.line, f.clusterDid.replace(/lh-lesson-\w+/, 'NS')]), describeFindings(findings)).to.deep.equal([
      [10, 'Error from server (Forbidden): clusterroles.rbac.authorization.k8s.io is forbidden: User "system:serviceaccount:default:lesson" cannot create resource "clusterroles" in API group "rbac.authorization.k8s.io" at the cluster scope'],
    ]);
    const core = sharedCluster().kubeConfig.makeApiClient(CoreV1Api);
    const phase = await core.readNamespace({ name: 'lesson-hostile-made' }).then((n) => n.status?.phase ?? 'Active', () => 'gone');
    expect(phase, 'the namespace the lesson made').to.be.oneOf(['Terminating', 'gone']);
  });
});
