// How lesson-verify treats a command before running it: read-only, endless, background, documented
// failure, and names taken from the author's run or left as placeholders.
import { expect } from 'chai';
import { documentsFailure, isBackground, isEndless, isReadOnly } from '../../src/verify/command-kinds.ts';
import { substituteNames } from '../../src/verify/lesson-names.ts';

describe('command kinds', () => {
  const table: [string, { readOnly: boolean; endless: boolean; background: boolean }][] = [
    ['kubectl get pods', { readOnly: true, endless: false, background: false }],
    ['kubectl -n shop get deploy web -o jsonpath={.status.readyReplicas}', { readOnly: true, endless: false, background: false }],
    ['kubectl get pods -w', { readOnly: true, endless: true, background: false }],
    ['kubectl get jobs --watch', { readOnly: true, endless: true, background: false }],
    ['kubectl logs -f deploy/web', { readOnly: true, endless: true, background: false }],
    ['kubectl logs job/pi | head -3', { readOnly: true, endless: false, background: false }],
    ['kubectl exec web -- printenv GREETING', { readOnly: true, endless: false, background: false }],
    ['kubectl get secret s -o jsonpath={.data.password} | base64 -d', { readOnly: true, endless: false, background: false }],
    ['kubectl get pods 2>/dev/null', { readOnly: true, endless: false, background: false }],
    ['kubectl apply -f job.yaml', { readOnly: false, endless: false, background: false }],
    ['kubectl get pods > pods.txt', { readOnly: false, endless: false, background: false }],
    ['cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF', { readOnly: false, endless: false, background: false }],
    ['kubectl scale deploy web --replicas=3', { readOnly: false, endless: false, background: false }],
    ['kubectl config set-context --current --namespace=shop', { readOnly: false, endless: false, background: false }],
    ['kubectl config current-context', { readOnly: true, endless: false, background: false }],
    ['kubectl port-forward svc/web 8080:80', { readOnly: false, endless: false, background: true }],
    ['sleep 100 &', { readOnly: false, endless: false, background: true }],
    ['a && b', { readOnly: false, endless: false, background: false }],
    ['watch kubectl get pods', { readOnly: false, endless: true, background: false }],
  ];
  for (const [command, kind] of table) {
    it(JSON.stringify(command), () => expect({ readOnly: isReadOnly(command), endless: isEndless(command), background: isBackground(command) }).to.deep.equal(kind));
  }

  it('recognises outputs that show a failure on purpose', () => {
    expect(documentsFailure([{ text: 'Error from server (NotFound): jobs.batch "pi" not found' }])).to.equal(true);
    expect(documentsFailure([{ text: 'error: the server doesn\'t have a resource type "frob"' }])).to.equal(true);
    expect(documentsFailure([{ text: 'The Job "pi" is invalid: spec.template.spec.restartPolicy: Required value' }])).to.equal(true);
    expect(documentsFailure([{ text: 'NAME READY\nerror-pod 0/1' }])).to.equal(false);
    expect(documentsFailure([{ text: 'No resources found in default namespace.' }])).to.equal(false);
  });
});

describe('names from the author\'s run and placeholders', () => {
  const live = [
    { kind: 'Deployment', name: 'web' },
    { kind: 'ReplicaSet', name: 'web-5c9f7d8b6c' },
    { kind: 'Pod', name: 'web-5c9f7d8b6c-q8w2z' },
    { kind: 'Job', name: 'tick-29412346' },
    { kind: 'Pod', name: 'tick-29412346-h7g2k' },
    { kind: 'Pod', name: 'web-5c9f7d8b6c-z2n4m' },
    { kind: 'Node', name: 'localhost' },
  ];
  it('replaces a generated name by this run\'s newest object of the same shape', () => {
    const r = substituteNames('kubectl logs web-7d9c5b8f6c-x2x4q && kubectl get job tick-29410000', live);
    expect(r.command).to.equal('kubectl logs web-5c9f7d8b6c-z2n4m && kubectl get job tick-29412346');
    expect(r.replaced.map((x) => x.placeholder)).to.deep.equal([false, false]);
  });
  it('keeps names that exist and names that are no generated shape', () => {
    expect(substituteNames('kubectl logs web-5c9f7d8b6c-q8w2z; kubectl get deploy web my-deployment', live).command)
      .to.equal('kubectl logs web-5c9f7d8b6c-q8w2z; kubectl get deploy web my-deployment');
  });
  it('fills placeholders by the kind they name; leaves the others unresolved', () => {
    const r = substituteNames('kubectl describe pod <pod-name>; kubectl describe node <node> ; cat <<EOF', live);
    expect(r.command).to.equal('kubectl describe pod web-5c9f7d8b6c-z2n4m; kubectl describe node localhost ; cat <<EOF');
    expect(substituteNames('kubectl get secret <your-secret>', live).unresolved).to.deep.equal(['<your-secret>']);
  });
});
