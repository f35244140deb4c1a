import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { appliedFile, fileNameFindings, manifestBlocks, parseLesson, type CommandStep, type Exercise, type FileStep } from '../../src/lesson/parse-lesson.ts';
import { LessonError } from '../../src/lesson/lesson-error.ts';

const FILE = 'lessons/kubernetes-jobs.md';
// The course's document exactly as shipped (the copy in lessons/ carries <!-- expect --> annotations that shift lines).
const source = readFileSync(new URL('../fixtures/lessons/kubernetes-jobs.original.md', import.meta.url), 'utf8');

const files = (e: Exercise) => e.steps.filter((s): s is FileStep => s.kind === 'file');
const commands = (e: Exercise) => e.steps.filter((s): s is CommandStep => s.kind === 'command');

function lessonError(fn: () => unknown): LessonError {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(LessonError);
    return error as LessonError;
  }
  expect.fail('expected a LessonError');
}

describe('parseLesson on the shipped Jobs lesson', () => {
  const lesson = parseLesson(source, FILE);

  it('takes the title from the front matter and splits exercises at ##/### headings with steps', () => {
    expect(lesson.title).to.equal('Job');
    expect(lesson.exercises.map((e) => [e.title, e.line])).to.deep.equal([
      ['Creating a Simple Job That Finishes in Finite Time', 23],
      ['Multiple Single Job', 120],
      ['Multiple Parallel Jobs (Work Queue)', 214],
      ['Limiting The Kubernetes Job Execution Time', 339],
    ]);
  });

  it('names each manifest from the prose or from the next apply', () => {
    const named = lesson.exercises.flatMap(files).map((f) => [f.fileName, f.nameSource, f.line]);
    expect(named).to.deep.equal([
      ['runonce.yaml', 'prose', 33],
      ['job-2.yaml', 'next-apply', 124],
      ['job-3.yaml', 'next-apply', 227],
      ['job-4.yaml', 'next-apply', 355],
    ]);
    expect(files(lesson.exercises[0]!)[0]?.nameLine).to.equal(30);
    expect(files(lesson.exercises[0]!)[0]?.content).to.match(/^apiVersion: batch\/v1\nkind: Job\n[\s\S]*restartPolicy: Never\n$/);
  });

  it('turns each shell line into a command with its line', () => {
    expect(lesson.exercises.map((e) => commands(e).map((c) => [c.line, c.command]))).to.deep.equal([
      [[55, 'kubectl apply -f countdown.yaml'], [67, 'kubectl get jobs'], [78, 'kubectl get pods'], [93, 'kubectl logs -f countdown-jfwzk'], [111, 'kubectl delete job countdown']],
      [[143, 'kubectl apply -f job-2.yaml'], [159, 'kubectl apply -f job-2.yaml && kubectl get pods --watch'], [207, 'kubectl delete job job-2']],
      [[252, 'kubectl apply -f job-3.yaml && kubectl get pods --watch'], [294, 'kubectl get pod']],
      [[375, 'kubectl apply -f job-4.yaml && kubectl get pods --watch']],
    ]);
  });

  it('attaches blockquoted outputs to the command before them, with the line of their first text line', () => {
    const [countdown, job2, job3, job4] = lesson.exercises.map(commands);
    expect(countdown?.[0]?.outputs).to.deep.equal([{ line: 61, text: 'job.batch/countdown created' }]);
    expect(countdown?.[3]?.outputs[0]?.text).to.equal('9\n8\n7\n6\n5\n4\n3\n2\n1');
    const watch2 = job2?.[1]?.outputs ?? [];
    expect(watch2.map((o) => o.line)).to.deep.equal([167, 171]);
    expect(watch2[1]?.text.split('\n')).to.have.length(29);
    expect(job3?.[0]?.outputs.map((o) => o.line)).to.deep.equal([256]);
    expect(job3?.[0]?.outputs[0]?.text.split('\n').at(-1)).to.equal('. . .');
    expect(job4?.[0]?.outputs[0]?.text.split('\n')[2]).to.equal('job-4-ztrgj   0/1     ContainerCreating   0          1s');
  });

  it('lists the manifests for checking manifests/*.yaml', () => {
    const blocks = manifestBlocks(lesson);
    expect(blocks.map((b) => [b.exerciseTitle, b.fileName, b.line])).to.deep.equal([
      ['Creating a Simple Job That Finishes in Finite Time', 'runonce.yaml', 33],
      ['Multiple Single Job', 'job-2.yaml', 124],
      ['Multiple Parallel Jobs (Work Queue)', 'job-3.yaml', 227],
      ['Limiting The Kubernetes Job Execution Time', 'job-4.yaml', 355],
    ]);
    expect(blocks[3]?.content).to.contain('activeDeadlineSeconds: 20');
  });

  it('reports the runonce.yaml / countdown.yaml mismatch at the apply line', () => {
    const findings = fileNameFindings(lesson);
    expect(findings).to.have.length(1);
    expect(findings[0]).to.include({ severity: 'error', line: 55, file: FILE });
    expect(findings[0]?.suggestion).to.equal('Rename the file to countdown.yaml (line 30) or apply runonce.yaml (line 55).');
  });
});

describe('parseLesson on small lessons', () => {
  const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n';

  it('reads names from backticks and "save it as", joins continued lines, strips $ prompts', () => {
    const lesson = parseLesson([
      '# T', '', '## One', '', 'Save it as `cm.yaml`:', '', '```yaml', manifest.trimEnd(), '```', '',
      '```console', '$ kubectl apply \\', '    -f cm.yaml', 'configmap/demo created', '$ kubectl get cm demo', '```', '',
    ].join('\n'), 'x.md');
    const [file, apply, get] = lesson.exercises[0]?.steps ?? [];
    expect(file).to.include({ kind: 'file', fileName: 'cm.yaml', nameSource: 'prose', line: 8 });
    expect(apply).to.deep.include({ kind: 'command', command: 'kubectl apply -f cm.yaml', line: 15, outputs: [{ line: 17, text: 'configmap/demo created' }] });
    expect(get).to.include({ command: 'kubectl get cm demo', line: 18 });
  });

  it('keeps a heredoc in one command and takes plain fences after a command as its output', () => {
    const lesson = parseLesson(['## A', '```bash', 'kubectl apply -f - <<EOF', manifest.trimEnd(), 'EOF', 'kubectl get cm', '```', '```', 'NAME   DATA   AGE', '```'].join('\n'), 'x.md');
    const steps = lesson.exercises[0]?.steps as CommandStep[];
    expect(steps).to.have.length(2);
    expect(steps[0]?.command.split('\n')).to.have.length(6);
    expect(steps[1]?.outputs).to.deep.equal([{ line: 12, text: 'NAME   DATA   AGE' }]);
  });

  it('skips headings without steps and ignores a bare file name outside a naming sentence', () => {
    const lesson = parseLesson(['## Empty', 'text', '## Real', 'Unlike old.yaml, this one:', '```yaml', manifest, '```', '```bash', 'kubectl create -f ./cm2.yaml', '```'].join('\n'), 'x.md');
    expect(lesson.exercises.map((e) => e.title)).to.deep.equal(['Real']);
    expect(lesson.exercises[0]?.steps[0]).to.include({ fileName: './cm2.yaml', nameSource: 'next-apply' });
  });

  it('falls back to metadata.name when nothing names the file', () => {
    const lesson = parseLesson(['## A', '```yaml', manifest, '```'].join('\n'), 'x.md');
    expect(lesson.exercises[0]?.steps[0]).to.include({ fileName: 'demo.yaml', nameSource: 'metadata-name' });
  });

  it('reads annotations with their lines', () => {
    const lesson = parseLesson(['## A', '```bash', 'kubectl get pods', '```', '', '<!-- expect: pods == 1;', '  job.failed == 0 -->'].join('\n'), 'x.md');
    const note = lesson.exercises[0]?.steps[1];
    expect(note).to.include({ kind: 'annotation', line: 6 });
    expect(note?.kind === 'annotation' && note.expectations.map((x) => [x.source, x.line])).to.deep.equal([['pods == 1', 6], ['job.failed == 0', 7]]);
  });

  it('finds the file of kubectl apply/create -f in compound commands', () => {
    expect(appliedFile('kubectl apply -f job-2.yaml && kubectl get pods --watch')).to.equal('job-2.yaml');
    expect(appliedFile('kubectl create --filename=a.yaml')).to.equal('a.yaml');
    expect(appliedFile('kubectl apply -f https://example.com/a.yaml')).to.equal(undefined);
    expect(appliedFile('kubectl get -f a.yaml')).to.equal(undefined);
  });
});

describe('parseLesson errors', () => {
  it('names the YAML line inside the lesson for YAML that does not parse', () => {
    const md = ['# T', '', '## A', '', '```yaml', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: "x', '```'].join('\n');
    const error = lessonError(() => parseLesson(md, 'bad.md'));
    expect(error.file).to.equal('bad.md');
    expect(error.line).to.equal(9);
    expect(error.message).to.match(/^bad\.md:9: YAML does not parse: Missing closing "quote\. Fix: /);
  });

  it('points at a bad indentation line', () => {
    const md = ['## A', '```yaml', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: x', ' labels: y', '```'].join('\n');
    expect(lessonError(() => parseLesson(md, 'bad.md')).line).to.equal(7);
  });

  it('rejects a manifest without kind, naming the document start', () => {
    const md = ['## A', '', '```yaml', 'apiVersion: v1', 'kind: Pod', '---', 'apiVersion: v1', 'metadata: {}', '```'].join('\n');
    const error = lessonError(() => parseLesson(md, 'k.md'));
    expect(error.line).to.equal(7);
    expect(error.message).to.contain('k.md:7: YAML document has no kind');
  });

  it('rejects a lesson with nothing to verify', () => {
    const error = lessonError(() => parseLesson('# Title\n\nJust prose.\n\n```python\nprint(1)\n```\n', 'empty.md'));
    expect(error.line).to.equal(1);
    expect(error.message).to.contain('empty.md:1: nothing to verify');
  });

  it('rejects an annotation with an unknown subject and lists the valid ones', () => {
    const error = lessonError(() => parseLesson('## A\n```bash\nkubectl get pods\n```\n\n<!-- expect: podz == 1 -->\n', 'a.md'));
    expect(error.line).to.equal(6);
    expect(error.message).to.contain('unknown subject "podz"').and.contain('pods.max-active');
  });
});
