import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { compareOutput, type CompareContext } from '../../src/lesson/compare-output.ts';
import { parseLesson, type CommandStep } from '../../src/lesson/parse-lesson.ts';

const FILE = 'lessons/kubernetes-jobs.md';
// The course's document exactly as shipped (the copy in lessons/ carries <!-- expect --> annotations that shift lines).
const lesson = parseLesson(readFileSync(new URL('../fixtures/lessons/kubernetes-jobs.original.md', import.meta.url), 'utf8'), FILE);
const steps = lesson.exercises.flatMap((e) => e.steps.filter((s): s is CommandStep => s.kind === 'command').map((step) => ({ step, exercise: e.title })));

function step(command: string): { step: CommandStep; ctx: CompareContext } {
  const found = steps.find((s) => s.step.command === command);
  if (!found) throw new Error(`no command ${command}`);
  return { step: found.step, ctx: { file: FILE, exercise: found.exercise, command } };
}

function compareStep(command: string, actual: string) {
  const { step: s, ctx } = step(command);
  return compareOutput(s.outputs, actual, ctx);
}

const titles = (r: ReturnType<typeof compareOutput>) => r.findings.map((f) => `${f.severity}: ${f.title}`);

function watchRows(job: string, names: string[], states: [string, string, string][]): string {
  return names.flatMap((n) => states.map(([ready, status, age]) => `${job}-${n}   ${ready}     ${status.padEnd(18)}  0          ${age}`)).join('\n');
}

describe('compareOutput: plain lines', () => {
  it('treats outputs equal modulo names, ages and alignment as the same', () => {
    const r = compareStep('kubectl get pods', 'NAME READY STATUS RESTARTS AGE\ncountdown-x8c2v 0/1 Completed 0 4s\n');
    expect(r).to.deep.equal({ same: true, findings: [] });
  });

  it('reports created vs unchanged as an error on the output line', () => {
    const r = compareStep('kubectl apply -f job-2.yaml', 'job.batch/job-2 unchanged\n');
    expect(r.same).to.equal(false);
    expect(r.findings).to.have.length(1);
    expect(r.findings[0]).to.include({ severity: 'error', line: 147, title: 'output differs: created vs unchanged', lessonSays: 'job.batch/job-2 created', clusterDid: 'job.batch/job-2 unchanged', exercise: 'Multiple Single Job' });
    expect(r.findings[0]?.suggestion).to.contain('Replace the line with: job.batch/job-2 unchanged');
  });

  it('reports extra trailing words as a version-dependent warning', () => {
    const r = compareStep('kubectl delete job countdown', 'job.batch "countdown" deleted from default namespace\n');
    expect(titles(r)).to.deep.equal(['warning: version-dependent output format']);
    expect(r.findings[0]?.line).to.equal(115);
    expect(r.same).to.equal(false);
  });

  it('a warning line newer kubectl adds (rollout undo of an applied resource) is a version-dependent warning, not an error', () => {
    const ctx = { file: 'd.md', exercise: 'Roll back', command: 'kubectl rollout undo deployment/web' };
    const warning = "Warning: resource deployments/web was previously managed with 'kubectl apply'. Rolling back will not update the kubectl.kubernetes.io/last-applied-configuration annotation, which may cause unexpected behavior on future 'kubectl apply' operations. Consider using 'kubectl apply' with your previous configuration file instead.";
    const r = compareOutput({ text: 'deployment.apps/web rolled back', line: 170 }, `${warning}\ndeployment.apps/web rolled back\n`, ctx);
    expect(r.findings.map((f) => `${f.severity}: ${f.title}`)).to.deep.equal(['warning: version-dependent output: a line newer kubectl adds']);
    expect(r.findings[0]).to.include({ line: 170, clusterDid: warning });
    expect(r.findings[0]?.suggestion).to.contain('since kubectl v1.36 (k8s.io/kubectl pkg/cmd/rollout/rollout_undo.go');
    // Only that command, and only that line: the same text after another command, or a different line, is an error.
    expect(compareOutput({ text: 'deployment.apps/web rolled back', line: 170 }, `${warning}\ndeployment.apps/web rolled back\n`, { ...ctx, command: 'kubectl rollout restart deployment/web' })
      .findings.some((f) => f.severity === 'error')).to.equal(true);
    expect(compareOutput({ text: 'deployment.apps/web rolled back', line: 170 }, 'Warning: something else\ndeployment.apps/web rolled back\n', ctx)
      .findings.some((f) => f.severity === 'error')).to.equal(true);
  });

  it('reports a failed command against the documented output', () => {
    const r = compareStep('kubectl apply -f countdown.yaml', 'error: the path "countdown.yaml" does not exist\n');
    expect(titles(r)).to.deep.equal(['error: output differs']);
    expect(r.findings[0]?.suggestion).to.contain('The command failed on the cluster');
  });

  it('folds many differing lines into one finding', () => {
    const r = compareStep('kubectl logs -f countdown-jfwzk', '1\n2\n3\n4\n5\n6\n7\n8\n9\n');
    expect(titles(r)).to.deep.equal(['error: output differs on 8 lines']);
    expect(r.findings[0]?.suggestion).to.equal('Replace the output with:\n1\n2\n3\n4\n5\n6\n7\n8\n9');
  });

  it('lets an ellipsis stand for any further lines', () => {
    const ctx = { file: 'x.md', exercise: 'x', command: 'cat' };
    expect(compareOutput({ line: 5, text: 'a\n...' }, 'a\nb\nc\n', ctx).findings).to.deep.equal([]);
    expect(titles(compareOutput({ line: 5, text: 'a' }, 'a\nb\n', ctx))).to.deep.equal(['error: extra line in the cluster output']);
    expect(titles(compareOutput({ line: 5, text: 'a\nb' }, 'a\n', ctx))).to.deep.equal(['error: line missing from the cluster output']);
  });
});

describe('compareOutput: tables', () => {
  it('reports the STATUS column kubectl >= 1.30 adds as one finding', () => {
    const r = compareStep('kubectl get jobs', 'NAME        STATUS     COMPLETIONS   DURATION   AGE\ncountdown   Complete   1/1           6s         14s\n');
    expect(titles(r)).to.deep.equal(['warning: column added: STATUS']);
    expect(r.findings[0]?.line).to.equal(71);
  });

  it('reports a missing column and a differing cell', () => {
    const r = compareStep('kubectl get jobs', 'NAME        COMPLETIONS   AGE\ncountdown   0/1           14s\n');
    expect(titles(r)).to.deep.equal(['warning: column missing: DURATION', 'error: countdown COMPLETIONS: lesson 1/1, cluster 0/1']);
    expect(r.findings[1]?.line).to.equal(72);
  });

  it('matches rows with random names by normalised key, in order', () => {
    const ok = compareStep('kubectl get pod', `NAME          READY   STATUS      RESTARTS   AGE\n${['b2x4k', 'c7v9m', 'd4n2p', 'f6q8r', 'g9s2t'].map((n) => `job-3-${n}   0/1     Completed   0          40s`).join('\n')}`);
    expect(ok.findings).to.deep.equal([]);
    const fewer = compareStep('kubectl get pod', 'NAME          READY   STATUS      RESTARTS   AGE\njob-3-b2x4k   0/1     Completed   0          40s\n');
    expect(titles(fewer)).to.deep.equal(['error: 4 table differences']);
  });

  it('lets an ellipsis in a table stand for more rows', () => {
    const ctx = { file: 'x.md', exercise: 'x', command: 'kubectl get pods' };
    const actual = 'NAME      STATUS\na-c7v9m   Running\na-d4n2p   Running\n';
    expect(compareOutput({ line: 3, text: 'NAME   STATUS\na-b2x4k   Running\n. . .' }, actual, ctx).findings).to.deep.equal([]);
    expect(titles(compareOutput({ line: 3, text: 'NAME   STATUS\na-b2x4k   Running' }, actual, ctx))).to.deep.equal(['error: cluster printed an extra row a-d4n2p']);
  });

  it('reports a table the cluster did not print', () => {
    const r = compareStep('kubectl get jobs', 'No resources found in default namespace.\n');
    expect(titles(r)).to.include('error: table missing');
  });
});

describe('compareOutput: --watch transcripts', () => {
  const header = 'NAME          READY   STATUS              RESTARTS   AGE';

  it('job-2 on a current cluster: unchanged, first pod already running, five sequential pods', () => {
    const first = ['job-2-7xkqp   1/1     Running             0          2s', 'job-2-7xkqp   0/1     Completed           0          6s', 'job-2-7xkqp   0/1     Completed           0          7s'].join('\n');
    const rest = watchRows('job-2', ['b5w9z', 'h2m4n', 'r8t6v', 'x4c2d'], [['0/1', 'Pending', '0s'], ['0/1', 'Pending', '0s'], ['0/1', 'ContainerCreating', '0s'], ['1/1', 'Running', '1s'], ['0/1', 'Completed', '6s']]);
    const r = compareStep('kubectl apply -f job-2.yaml && kubectl get pods --watch', `job.batch/job-2 unchanged\n${header}\n${first}\n${rest}\n`);
    expect(titles(r)).to.deep.equal([
      'error: output differs: created vs unchanged',
      'warning: pod 1: lesson ContainerCreating→Running→Completed, cluster Running→Completed',
    ]);
    expect(r.findings.map((f) => f.line)).to.deep.equal([167, 171]);
  });

  it('job-2: a different number of pods is an error', () => {
    const rows = watchRows('job-2', ['b5w9z', 'h2m4n', 'r8t6v', 'x4c2d'], [['0/1', 'Pending', '0s'], ['0/1', 'ContainerCreating', '0s'], ['1/1', 'Running', '1s'], ['0/1', 'Completed', '6s']]);
    const r = compareStep('kubectl apply -f job-2.yaml && kubectl get pods --watch', `job.batch/job-2 created\n${header}\n${rows}\n`);
    expect(titles(r)).to.include('error: lesson shows 5 pods, cluster created 4');
  });

  it('job-3: a partial transcript with skipped states gives warnings only', () => {
    const rows = watchRows('job-3', ['b5w9z', 'h2m4n', 'r8t6v', 'x4c2d', 'z7k5q'], [['0/1', 'Pending', '0s'], ['0/1', 'ContainerCreating', '0s'], ['1/1', 'Running', '2s'], ['0/1', 'Completed', '9s']]);
    const r = compareStep('kubectl apply -f job-3.yaml && kubectl get pods --watch', `job.batch/job-3 created\n${header}\n${rows}\n`);
    expect(r.findings.every((f) => f.severity === 'warning')).to.equal(true);
    expect(titles(r)).to.deep.equal(['warning: 5 pods differ only in Pending/ContainerCreating']);
  });

  it('job-4 on 1.34: Error/CrashLoopBackOff, restarts with times, no Terminating, job-3 pods still listed', () => {
    const actual = [
      'job.batch/job-4 created',
      'NAME          READY   STATUS              RESTARTS      AGE',
      ...['b5w9z', 'h2m4n', 'r8t6v', 'x4c2d', 'z7k5q'].map((n) => `job-3-${n}   0/1     Completed           0             2m10s`),
      'job-4-k8xzq   0/1     Pending             0             0s',
      'job-4-k8xzq   0/1     Pending             0             0s',
      'job-4-k8xzq   0/1     ContainerCreating   0             0s',
      'job-4-k8xzq   1/1     Running             0             2s',
      'job-4-k8xzq   0/1     Error               0             3s',
      'job-4-k8xzq   0/1     Error               1 (2s ago)    5s',
      'job-4-k8xzq   0/1     CrashLoopBackOff    1 (2s ago)    6s',
      'job-4-k8xzq   1/1     Running             2 (14s ago)   18s',
      'job-4-k8xzq   0/1     Error               2 (1s ago)    19s',
      'job-4-k8xzq   0/1     CrashLoopBackOff    2 (14s ago)   20s',
    ].join('\n');
    const r = compareStep('kubectl apply -f job-4.yaml && kubectl get pods --watch', actual);
    expect(titles(r)).to.deep.equal([
      'warning: RESTARTS shows the time of the last restart',
      'warning: cluster also lists 5 pod(s) not in the lesson (job-3-<id>)',
      'error: pod 1: lesson ContainerCreating→Running→Error→CrashLoopBackOff→Terminating, cluster Pending→ContainerCreating→Running→Error→CrashLoopBackOff→Running→Error→CrashLoopBackOff',
      'warning: lesson shows at most 1 restart, cluster 2',
    ]);
    const transitions = r.findings[2];
    expect(transitions?.line).to.equal(381);
    expect(transitions?.suggestion).to.match(/^The cluster never showed Terminating\. Replace the output with:\njob\.batch\/job-4 created\n/);
    expect(r.findings[1]?.suggestion).to.contain('-l batch.kubernetes.io/job-name=');
  });

  it('a cluster that never restarts while the lesson shows restarts is an error', () => {
    const rows = ['job-4-k8xzq   0/1     ContainerCreating   0          1s', 'job-4-k8xzq   1/1     Running             0          5s', 'job-4-k8xzq   0/1     Error               0          6s', 'job-4-k8xzq   0/1     CrashLoopBackOff    0          9s', 'job-4-k8xzq   0/1     Terminating         0          20s'];
    const r = compareStep('kubectl apply -f job-4.yaml && kubectl get pods --watch', `job.batch/job-4 created\n${header}\n${rows.join('\n')}`);
    expect(titles(r)).to.deep.equal(['error: lesson shows at most 1 restart, cluster 0']);
  });
});

describe('compareOutput: timing and wildcards', () => {
  const ctx = { file: 'l.md', exercise: 'E', command: 'kubectl get pods' };
  it('a pod the lesson caught ContainerCreating, Running on the cluster: a warning, not an error', () => {
    const doc = { line: 10, text: 'NAME                   READY   STATUS              RESTARTS   AGE\nweb-5d6b8f7c9d-7xkqp   0/1     ContainerCreating   0          1s' };
    const result = compareOutput(doc, 'NAME                   READY   STATUS    RESTARTS   AGE\nweb-6c7d9b5f48-k2x9z   1/1     Running   0          3s\n', ctx);
    expect(result.findings.map((f) => [f.severity, f.line, f.title])).to.deep.equal([['warning', 11, 'the lesson shows a pod on its way']]);
  });
  it('a pod the lesson shows Running but the cluster has in an Error: still an error', () => {
    const doc = { line: 10, text: 'NAME   READY   STATUS    RESTARTS   AGE\nweb    1/1     Running   0          1s' };
    const result = compareOutput(doc, 'NAME   READY   STATUS   RESTARTS   AGE\nweb    0/1     Error    0          3s\n', ctx);
    expect(result.findings.map((f) => f.severity)).to.deep.equal(['error']);
  });
  it('an inline ... matches any text inside a line, in plain lines and table cells', () => {
    expect(compareOutput({ line: 1, text: 'Successfully assigned default/web-... to ...' }, 'Successfully assigned default/web-5d6b8f7c9d-7xkqp to localhost', ctx).same).to.equal(true);
    expect(compareOutput({ line: 1, text: 'Successfully assigned default/web-... to ...' }, 'Failed to assign default/web-5d6b8f7c9d-7xkqp', ctx).same).to.equal(false);
    expect(compareOutput({ line: 1, text: 'NAME   IMAGE\nweb    nginx:...' }, 'NAME   IMAGE\nweb    nginx:1.27', ctx).same).to.equal(true);
  });
  it('leaves rollout progress lines, whose number depends on timing, out on both sides', () => {
    const doc = 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...\nWaiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...\ndeployment "web" successfully rolled out';
    expect(compareOutput({ line: 1, text: doc }, 'deployment "web" successfully rolled out\n', ctx).same).to.equal(true);
    expect(compareOutput({ line: 1, text: doc }, 'error: deployment "web" exceeded its progress deadline\n', ctx).same).to.equal(false);
  });
  it('normalises generated names, IPs and nodes so that another run compares equal', () => {
    const doc = { line: 1, text: 'NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE\nweb-5d6b8f7c9d-7xkqp   1/1     Running   0          8s    10.244.0.5   minikube' };
    expect(compareOutput(doc, 'NAME                   READY   STATUS    RESTARTS   AGE   IP            NODE\nweb-7f8d9c6b5d-q2w4z   1/1     Running   0          2m    10.244.64.9   localhost\n', ctx).same).to.equal(true);
  });
});

describe('compareOutput: only known format changes are version-dependent', () => {
  const ctx = { file: 'l.md', exercise: 'E', command: 'kubectl logs job/q' };
  it('a log line cut short is an error, not a version warning', () => {
    const result = compareOutput({ line: 4, text: 'consuming a message' }, 'consuming\n', ctx);
    expect(result.findings.map((f) => [f.severity, f.line])).to.deep.equal([['error', 4]]);
  });
  it('`deleted` against `deleted from default namespace` is the kubectl v1.34 change, in either direction', () => {
    for (const [doc, act] of [['job.batch "pi" deleted', 'job.batch "pi" deleted from default namespace'], ['job.batch "pi" deleted from default namespace', 'job.batch "pi" deleted']]) {
      const result = compareOutput({ line: 2, text: doc ?? '' }, `${act ?? ''}\n`, { ...ctx, command: 'kubectl delete job pi' });
      expect(result.findings.map((f) => f.severity)).to.deep.equal(['warning']);
      expect(result.findings[0]?.suggestion).to.match(/since kubectl v1\.34 \(k8s\.io\/kubectl pkg\/cmd\/delete\/delete\.go\)/);
    }
  });
});

describe('compareOutput: kubectl describe', () => {
  const ctx = { file: 'l.md', exercise: 'E', command: 'kubectl describe pod web' };
  const lesson = ['Name:             web', 'Namespace:        default', 'Node:             minikube/192.168.49.2', 'Start Time:       Mon, 02 Jan 2006 15:04:05 -0700',
    'Status:           Running', 'Containers:', '  nginx:', '    Container ID:   containerd://4c1d…', '    Image:          nginx:1.27', '    State:          Running',
    'Events:', '  Type    Reason     Age   From               Message', '  Normal  Scheduled  10s   default-scheduler  Successfully assigned default/web to minikube'].join('\n');
  const cluster = ['Name:             web', 'Namespace:        default', 'Node:             localhost/127.0.0.1', 'Start Time:       Sat, 28 Nov 2026 00:01:02 +0000',
    'Status:           Running', 'Containers:', '  nginx:', '    Container ID:   containerd://9f8e7d', '    Image:          nginx:1.27', '    State:          Running',
    'Events:', '  Type    Reason     Age   From               Message', '  Normal  Scheduled  2s    default-scheduler  Successfully assigned default/web to localhost'].join('\n');
  it('holds when every field that describes the object is as the lesson shows it (IDs, times, node, events aside)', () => {
    const result = compareOutput({ line: 5, text: lesson }, cluster, ctx);
    expect(result.same).to.equal(true);
    expect(result.findings.map((f) => f.severity)).to.deep.equal(['info']);
  });
  it('still reports a field that differs (the image)', () => {
    const result = compareOutput({ line: 5, text: lesson }, cluster.replace('nginx:1.27', 'nginx:1.26'), ctx);
    expect(result.same).to.equal(false);
    expect(result.findings.some((f) => f.severity === 'error')).to.equal(true);
  });
});
