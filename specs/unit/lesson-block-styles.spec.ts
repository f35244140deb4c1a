// Every block style a course page uses, cut into the commands a student types and their outputs.
import { expect } from 'chai';
import { splitCommandBlock } from '../../src/lesson/command-blocks.ts';
import { markersIn } from '../../src/lesson/markers.ts';
import { parseLesson, type CommandStep, type FileStep } from '../../src/lesson/parse-lesson.ts';
import { LessonError } from '../../src/lesson/lesson-error.ts';
import { isCompleteCommand, pendingHeredocs } from '../../src/lesson/shell-syntax.ts';

const commands = (md: string): CommandStep[] => parseLesson(md, 'l.md').exercises.flatMap((e) => e.steps).filter((s): s is CommandStep => s.kind === 'command');
const files = (md: string): FileStep[] => parseLesson(md, 'l.md').exercises.flatMap((e) => e.steps).filter((s): s is FileStep => s.kind === 'file');

describe('shell syntax: where a typed command ends', () => {
  const cases: [string, boolean][] = [
    ['kubectl get pods', true],
    ['kubectl apply \\', false],
    ['kubectl get pods |', false],
    ['kubectl get pods &&', false],
    ['echo "unclosed', false],
    ["echo 'it''s'", true],
    ['for i in 1 2 3; do', false],
    ['for i in 1 2 3; do\n  echo $i\ndone', true],
    ['if true; then\n echo x\nfi', true],
    ['f() {\n  echo hi', false],
    ['f() {\n  echo hi\n}', true],
    ['echo $(date', false],
    ['cat <<EOF > job.yaml\nkind: Job', false],
    ['cat <<EOF > job.yaml\nkind: Job\nEOF', true],
    ["kubectl apply -f - <<'EOF'\nkind: Job\nEOF", true],
    ['cat <<-EOF\n\tx\n\tEOF', true],
    ['echo done # for do', true],
    ['grep -c x <<< "$v"', true],
  ];
  for (const [text, complete] of cases) {
    it(`${JSON.stringify(text)} → ${complete ? 'complete' : 'goes on'}`, () => expect(isCompleteCommand(text)).to.equal(complete));
  }
  it('lists heredoc terminators still open, in order', () => {
    expect(pendingHeredocs('cat <<A <<"B"\nx\nA\n')).to.deep.equal(['B']);
  });
});

describe('command blocks', () => {
  it('a script block: one command per line, continued lines and heredocs kept whole, comments skipped', () => {
    const block = splitCommandBlock('# make it\nkubectl create deployment web \\\n  --image=nginx\ncat <<EOF > a.txt\nhello\nEOF\n\nkubectl get pods', 10, 'bash');
    expect(block.map((c) => [c.line, c.command])).to.deep.equal([
      [11, 'kubectl create deployment web --image=nginx'],
      [13, 'cat <<EOF > a.txt\nhello\nEOF'],
      [17, 'kubectl get pods'],
    ]);
  });

  it('a shell session: prompts of several shapes, interleaved outputs, `> ` continuation prompts', () => {
    const text = [
      '$ kubectl create deployment web --image=nginx',
      'deployment.apps/web created',
      '',
      'controlplane $ kubectl get deploy',
      'NAME   READY   UP-TO-DATE   AVAILABLE   AGE',
      'web    1/1     1            1           5s',
      'user@host:~/lesson$ cat <<EOF | kubectl apply -f -',
      '> apiVersion: v1',
      '> kind: ConfigMap',
      '> metadata: {name: c}',
      '> EOF',
      'configmap/c created',
    ].join('\n');
    const block = splitCommandBlock(text, 1, 'console');
    expect(block.map((c) => c.command)).to.deep.equal([
      'kubectl create deployment web --image=nginx',
      'kubectl get deploy',
      'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nEOF',
    ]);
    expect(block.map((c) => c.outputs)).to.deep.equal([
      [{ line: 2, text: 'deployment.apps/web created' }],
      [{ line: 5, text: 'NAME   READY   UP-TO-DATE   AVAILABLE   AGE\nweb    1/1     1            1           5s' }],
      [{ line: 12, text: 'configmap/c created' }],
    ]);
  });

  it('`# ` is a root prompt in a console block when a command follows, a comment otherwise', () => {
    const block = splitCommandBlock('# kubectl get ns\nNAME STATUS AGE\n# this is output', 1, 'console');
    expect(block.map((c) => c.command)).to.deep.equal(['kubectl get ns']);
    expect(block[0]?.outputs[0]?.text).to.equal('NAME STATUS AGE\n# this is output');
    expect(splitCommandBlock('# kubectl get ns\nkubectl get pods', 1, 'bash').map((c) => c.command)).to.deep.equal(['kubectl get pods']);
  });
});

describe('lesson styles', () => {
  it('separate command and output fences; output in a blockquote; yaml output of -o yaml', () => {
    const steps = commands(['## A', '```shell', 'kubectl get cm c -o yaml', '```', '```yaml', 'apiVersion: v1', 'data: {a: b}', '```', '```sh', 'kubectl get pods', '```', '> ```', '> No resources found', '> ```'].join('\n'));
    expect(steps.map((s) => [s.command, s.outputs.map((o) => o.text)])).to.deep.equal([
      ['kubectl get cm c -o yaml', ['apiVersion: v1\ndata: {a: b}']],
      ['kubectl get pods', ['No resources found']],
    ]);
  });

  it('a text fence that starts with a prompt is a session; blocks inside list items work', () => {
    const md = ['## A', '1. Create it:', '', '   ```text', '   $ kubectl run p --image=busybox -- sleep 1', '   pod/p created', '   ```'].join('\n');
    const [step] = commands(md);
    expect(step?.command).to.equal('kubectl run p --image=busybox -- sleep 1');
    expect(step?.outputs[0]?.text).to.equal('pod/p created');
  });

  it('names a manifest from the fence title or a file= marker', () => {
    const md = ['## A', '```yaml title="k8s/web.yaml"', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: a}', '```',
      '<!-- verify: file=other.yaml -->', '```yaml', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: b}', '```'].join('\n');
    expect(files(md).map((f) => f.fileName)).to.deep.equal(['k8s/web.yaml', 'other.yaml']);
  });

  it('a YAML excerpt without apiVersion and kind is prose, not a file', () => {
    const md = ['## A', '```yaml', 'spec:', '  replicas: 3', '```', '```bash', 'kubectl get pods', '```'].join('\n');
    expect(files(md)).to.deep.equal([]);
  });

  it('markers: skip, exit code, timeout, ignore-output, background, hidden setup and cleanup', () => {
    const md = ['## A', '<!-- verify: skip -->', '```bash', 'kubectl delete node all', '```',
      '<!-- verify: exit=1 timeout=30s -->', '```bash', 'kubectl get pod nope', '```',
      '<!-- verify: setup', 'kubectl wait --for=condition=Ready pod/p', '-->',
      '<!-- verify: cleanup', 'kubectl delete ns shop', '-->'].join('\n');
    const lesson = parseLesson(md, 'l.md');
    const steps = lesson.exercises[0]?.steps.filter((s): s is CommandStep => s.kind === 'command') ?? [];
    expect(steps.map((s) => [s.command, s.options, s.hidden ?? false])).to.deep.equal([
      ['kubectl get pod nope', { exitCode: 1, exitMarker: { line: 6, word: 'exit=1' }, timeoutMs: 30_000 }, false],
      ['kubectl wait --for=condition=Ready pod/p', { ignoreOutput: true }, true],
    ]);
    expect(lesson.cleanup.map((s) => s.command)).to.deep.equal(['kubectl delete ns shop']);
  });

  it('a marker with an unknown word is an error at its line, with the list of words', () => {
    try {
      markersIn('x\n<!-- verify: skpi -->', 7, 'l.md');
      expect.fail('expected a LessonError');
    } catch (error) {
      expect(error).to.be.instanceOf(LessonError);
      expect((error as Error).message).to.match(/^l\.md:8: unknown word "skpi".*skip, ignore-output/);
    }
  });
});
