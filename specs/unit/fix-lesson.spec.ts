// --fix without a cluster: each kind of finding is compared, fixed, and the fixed lesson compared
// again with the same cluster output, which must then give no error (the fixed point, per kind).
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Finding } from '../../src/findings/finding.ts';
import { applyFixes } from '../../src/fix/apply-fixes.ts';
import { fixLesson } from '../../src/fix/fix-lesson.ts';
import { fixedLessonPath, writeFixedLesson } from '../../src/fix/write-fixed-lesson.ts';
import { alignRow, formatTable, keepLessonWords } from '../../src/fix/stable-output.ts';
import { compareOutput } from '../../src/lesson/compare-output.ts';
import { fileNameFindings, parseLesson, type CommandStep } from '../../src/lesson/parse-lesson.ts';

const FILE = 'lesson.md';

function commandStep(md: string, command: string): { step: CommandStep; exercise: string } {
  for (const e of parseLesson(md, FILE).exercises) {
    for (const s of e.steps) if (s.kind === 'command' && s.command === command) return { step: s, exercise: e.title };
  }
  throw new Error(`no command ${command} in the lesson`);
}

function compare(md: string, command: string, actual: string): Finding[] {
  const { step, exercise } = commandStep(md, command);
  return compareOutput(step.outputs, actual, { file: FILE, exercise, command }).findings;
}

/** Compares, fixes, compares the fixed lesson again with the same output. */
function fixRound(md: string, command: string, actual: string): { before: Finding[]; after: Finding[]; text: string; diff: string; todo: Finding[] } {
  const before = compare(md, command, actual);
  const fixed = fixLesson(md, before, { from: 'a/lesson.md', to: 'b/lesson.md' });
  expect(fixed.skipped, 'skipped edits').to.deep.equal([]);
  return { before, after: compare(fixed.text, command, actual), text: fixed.text, diff: fixed.diff, todo: fixed.todo };
}

const errors = (findings: Finding[]): string[] => findings.filter((f) => f.severity === 'error').map((f) => `${f.line} ${f.title}`);
const lesson = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('--fix: plain output lines', () => {
  it('created vs unchanged: the line in the blockquote is replaced, its "> " kept', () => {
    const md = lesson('## A', '```bash', 'kubectl apply -f job.yaml', '```', '', '> ```', '> job.batch/job-2 created', '> ```');
    const r = fixRound(md, 'kubectl apply -f job.yaml', 'job.batch/job-2 unchanged\n');
    expect(r.before[0]?.fix).to.deep.equal([{ kind: 'lines', line: 7, endLine: 7, original: ['job.batch/job-2 created'], replacement: ['job.batch/job-2 unchanged'] }]);
    expect(r.text).to.equal(md.replace('> job.batch/job-2 created', '> job.batch/job-2 unchanged'));
    expect(r.after).to.deep.equal([]);
  });

  it('a version-dependent format (a warning) is fixed too', () => {
    const md = lesson('## A', '```bash', 'kubectl delete job countdown', '```', '```', 'job.batch "countdown" deleted', '```');
    const r = fixRound(md, 'kubectl delete job countdown', 'job.batch "countdown" deleted from default namespace\n');
    expect(r.before.map((f) => f.severity)).to.deep.equal(['warning']);
    expect(r.text).to.contain('\njob.batch "countdown" deleted from default namespace\n');
    expect(r.after).to.deep.equal([]);
  });

  it('a missing line is removed, extra lines are added after the last one, the lesson\'s pod name kept', () => {
    const md = lesson('## A', '```bash', 'kubectl logs countdown-jfwzk', '```', '```', 'pod countdown-jfwzk says 3', 'gone', '```');
    const r = fixRound(md, 'kubectl logs countdown-jfwzk', 'pod countdown-x8c2v says 2\n');
    expect(errors(r.before)).to.deep.equal(['6 output differs', '7 line missing from the cluster output']);
    expect(r.text).to.contain('```\npod countdown-jfwzk says 2\n```');
    expect(r.after).to.deep.equal([]);
    const extra = fixRound(md, 'kubectl logs countdown-jfwzk', 'pod countdown-x8c2v says 3\ngone\nmore\nand more\n');
    expect(extra.text).to.contain('gone\nmore\nand more\n```');
    expect(extra.after).to.deep.equal([]);
  });

  it('many differing lines: one finding, whose fix is every line', () => {
    const md = lesson('## A', '```bash', 'seq 9 -1 1', '```', '```', '9', '8', '7', '6', '5', '```');
    const r = fixRound(md, 'seq 9 -1 1', '1\n2\n3\n4\n5\n');
    expect(errors(r.before)).to.deep.equal(['6 output differs on 4 lines']);
    expect(r.text).to.contain('```\n1\n2\n3\n4\n5\n```');
    expect(r.after).to.deep.equal([]);
  });

  it('a line that shows an unexpected failure is not written into the lesson (the command needs a human)', () => {
    const md = lesson('## A', '```bash', 'kubectl get job x -o name', '```', '```', 'job.batch/x', '```');
    const r = fixRound(md, 'kubectl get job x -o name', 'Error from server (NotFound): jobs.batch "x" not found\n');
    expect(r.before[0]?.fix).to.equal(undefined);
    expect(r.text).to.equal(md);
    expect(r.todo.map((f) => f.title)).to.deep.equal(['output differs']);
  });
});

describe('--fix: elisions and wildcards are kept', () => {
  const md = lesson('## A', '```bash', 'cat pod-web.txt', '```', '```',
    'Name:   web', '...', 'Events:', '  Normal  Scheduled  Successfully assigned default/web to ...', '  Normal  Pulled     old line', '```');
  const actual = 'Name:   web\nNamespace: default\nNode: n1\nEvents:\n  Normal  Scheduled  Successfully assigned default/web to node-1\n  Normal  Pulled     new line\n';

  it('rewrites only the line that differs: the "..." line and the wildcard line stay byte for byte', () => {
    const r = fixRound(md, 'cat pod-web.txt', actual);
    expect(errors(r.before)).to.deep.equal(['10 output differs']);
    expect(r.text).to.equal(md.replace('old line', 'new line'));
    expect(r.after).to.deep.equal([]);
  });

  it('a table\'s ". . ." stays when a row is fixed', () => {
    const t = lesson('## A', '```bash', 'kubectl get pods', '```', '```', 'NAME      READY   STATUS', 'a-b2x4k   1/1     Running', '. . .', '```');
    const r = fixRound(t, 'kubectl get pods', 'NAME      READY   STATUS\na-c7v9m   0/1     Pending\na-d4n2p   1/1     Running\n');
    expect(r.text).to.contain('a-b2x4k   0/1     Pending\n. . .\n');
    expect(r.after).to.deep.equal([]);
  });
});

describe('--fix: tables', () => {
  const jobs = lesson('## A', '```bash', 'kubectl get jobs', '```', '> ```', '> NAME        COMPLETIONS   DURATION   AGE', '> countdown   1/1           24s        59s', '> ```');

  it('a column kubectl added: the table is laid out again with it, the lesson\'s duration and age kept', () => {
    const r = fixRound(jobs, 'kubectl get jobs', 'NAME        STATUS     COMPLETIONS   DURATION   AGE\ncountdown   Complete   1/1           6s         14s\n');
    expect(r.before.map((f) => `${f.severity}: ${f.title}`)).to.deep.equal(['warning: column added: STATUS']);
    expect(r.text).to.contain('> NAME        STATUS     COMPLETIONS   DURATION   AGE\n> countdown   Complete   1/1           24s        59s\n> ```');
    expect(r.after).to.deep.equal([]);
  });

  it('a cell that differs: only its row changes, aligned under the lesson\'s header', () => {
    const md = lesson('## A', '```bash', 'kubectl get pod', '```', '```', 'NAME          READY   STATUS      RESTARTS   AGE', 'job-3-9l2j7   0/1     Completed   0          3m27s', 'job-3-c95k7   0/1     Completed   0          3m27s', '```');
    const r = fixRound(md, 'kubectl get pod', 'NAME          READY   STATUS      RESTARTS   AGE\njob-3-2m526   0/1     Completed   0          15s\njob-3-44x8p   0/1     Error       1          15s\n');
    expect(errors(r.before)).to.deep.equal(['8 2 table differences']);
    expect(r.text).to.contain('job-3-9l2j7   0/1     Completed   0          3m27s\njob-3-c95k7   0/1     Error       1          3m27s\n');
    expect(r.after).to.deep.equal([]);
  });

  it('rows the cluster did not print are removed, extra rows added', () => {
    const md = lesson('## A', '```bash', 'kubectl get pod', '```', '```', 'NAME      STATUS', 'a-b2x4k   Running', 'b-b2x4k   Running', '```');
    const r = fixRound(md, 'kubectl get pod', 'NAME      STATUS\na-c7v9m   Running\nc-d4n2p   Pending\n');
    expect(r.text).to.contain('```\nNAME      STATUS\na-b2x4k   Running\nc-d4n2p   Pending\n```');
    expect(r.after).to.deep.equal([]);
  });

  it('an extra row of a Deployment\'s pods takes the lesson\'s template hash', () => {
    const md = lesson('## A', '```bash', 'kubectl get pods', '```', '```', 'NAME                  READY   STATUS', 'web-7d9c5b8f6-x2x4q   1/1     Running', '```');
    const r = fixRound(md, 'kubectl get pods', 'NAME                   READY   STATUS\nweb-7b85b55759-k2m4n   1/1     Running\nweb-7b85b55759-d85fz   1/1     Running\n');
    expect(r.text).to.contain('web-7d9c5b8f6-x2x4q   1/1     Running\nweb-7d9c5b8f6-d85fz   1/1     Running\n```');
    expect(r.after).to.deep.equal([]);
  });

    it('a table the cluster did not print at all needs a human', () => {
    const r = fixRound(jobs, 'kubectl get jobs', 'No resources found in default namespace.\n');
    expect(r.text).to.equal(jobs);
    expect(r.todo.map((f) => f.title)).to.include('table missing');
  });
});

describe('--fix: --watch transcripts', () => {
  const original = readFileSync(new URL('../fixtures/lessons/kubernetes-jobs.original.md', import.meta.url), 'utf8');
  const command = 'kubectl apply -f job-4.yaml && kubectl get pods --watch';
  const actual = [
    'job.batch/job-4 created',
    'NAME          READY   STATUS              RESTARTS      AGE',
    ...['b5w9z', 'h2m4n'].map((n) => `job-3-${n}   0/1     Completed           0             2m10s`),
    'job-4-k8xzq   0/1     Pending             0             0s',
    'job-4-k8xzq   0/1     ContainerCreating   0             0s',
    'job-4-k8xzq   1/1     Running             0             2s',
    'job-4-k8xzq   0/1     Error               0             3s',
    'job-4-k8xzq   0/1     Error               1 (2s ago)    5s',
    'job-4-k8xzq   0/1     CrashLoopBackOff    1 (2s ago)    6s',
    'job-4-k8xzq   1/1     Running             2 (14s ago)   18s',
    'job-4-k8xzq   0/1     Terminating         2 (15s ago)   20s',
  ].join('\n');

  it('job-4: the cluster\'s transcript under the lesson\'s pod name, other Jobs\' pods left out, cut at its first restart', () => {
    const r = fixRound(original, command, actual);
    expect(errors(r.before)).to.have.length.greaterThan(0);
    expect(r.text).to.contain([
      '> NAME          READY   STATUS              RESTARTS      AGE',
      '> job-4-ztrgj   0/1     Pending             0             0s',
      '> job-4-ztrgj   0/1     ContainerCreating   0             0s',
      '> job-4-ztrgj   1/1     Running             0             2s',
      '> job-4-ztrgj   0/1     Error               0             3s',
      '> ...',
      '> ```',
    ].join('\n'));
    expect(r.text).not.to.contain('job-3-b5w9z');
    expect(errors(r.after)).to.deep.equal([]);
  });

  it('a second --fix after the first changes nothing (warnings left are timing, without a fix)', () => {
    const r = fixRound(original, command, actual);
    const again = fixLesson(r.text, compare(r.text, command, actual), { from: 'a', to: 'b' });
    expect(again.diff).to.equal('');
  });

  it('the fixed transcript holds on a later run with more restarts and no Pending', () => {
    const r = fixRound(original, command, actual);
    const later = actual.replace(/^job-4-k8xzq {3}0\/1 {5}Pending.*\n/m, '').replace(/k8xzq/g, 'q7r2s') + '\njob-4-q7r2s   0/1     Error               3 (1s ago)    25s';
    expect(errors(compare(r.text, command, later))).to.deep.equal([]);
  });

  it('timing warnings (skipped Pending, restart counts, other pods) carry no fix', () => {
    const findings = compare(original, command, actual);
    const timing = findings.filter((f) => /not in the lesson|at most|differ only|RESTARTS shows/.test(f.title));
    expect(timing.length).to.be.greaterThan(0);
    for (const f of timing) expect(f.fix, f.title).to.equal(undefined);
  });
});

describe('--fix: file names, exit codes and what needs a human', () => {
  const md = lesson('## A', '', 'Create a file', 'called runonce.yaml with:', '', '```yaml', 'apiVersion: batch/v1', 'kind: Job', 'metadata:', '  name: countdown', '```', '', '```bash', 'kubectl apply -f countdown.yaml', '```');

  it('file name mismatch: the prose is renamed on the line the name is on', () => {
    const findings = fileNameFindings(parseLesson(md, FILE));
    expect(findings[0]?.fix).to.deep.equal([{ kind: 'word', line: 4, from: 'runonce.yaml', to: 'countdown.yaml' }]);
    const fixed = fixLesson(md, findings, { from: 'a', to: 'b' });
    expect(fixed.text).to.equal(md.replace('called runonce.yaml', 'called countdown.yaml'));
    expect(fileNameFindings(parseLesson(fixed.text, FILE))).to.deep.equal([]);
  });

  it('file name mismatch: when a later command uses the prose\'s name, the apply is changed instead', () => {
    const later = `${md}\n\`\`\`bash\ncat runonce.yaml\n\`\`\`\n`;
    const findings = fileNameFindings(parseLesson(later, FILE));
    expect(findings[0]?.fix).to.deep.equal([{ kind: 'word', line: 14, from: 'countdown.yaml', to: 'runonce.yaml' }]);
    const fixed = fixLesson(later, findings, { from: 'a', to: 'b' });
    expect(fixed.text).to.contain('kubectl apply -f runonce.yaml\n');
    expect(fileNameFindings(parseLesson(fixed.text, FILE))).to.deep.equal([]);
  });

  it('exit code: the marker\'s number is changed, nothing else on its line', () => {
    const m = lesson('## A', '<!-- verify: exit=1 timeout=30s -->', '```bash', 'kubectl get pod nope', '```');
    const step = commandStep(m, 'kubectl get pod nope').step;
    expect(step.options.exitMarker).to.deep.equal({ line: 2, word: 'exit=1' });
    const finding: Finding = { severity: 'error', file: FILE, line: 4, exercise: 'A', title: 'exit code 2, the lesson says 1', lessonSays: '', clusterDid: '', suggestion: '', fix: [{ kind: 'word', line: 2, from: 'exit=1', to: 'exit=2' }] };
    expect(fixLesson(m, [finding], { from: 'a', to: 'b' }).text).to.equal(m.replace('exit=1 timeout', 'exit=2 timeout'));
  });

  it('claims, exercises that do not settle and stuck pods stay on the TODO list; infos are not listed', () => {
    const human = (title: string, severity: Finding['severity'] = 'error'): Finding => ({ severity, file: FILE, line: 3, exercise: 'A', title, lessonSays: '', clusterDid: '', suggestion: 'correct the prose' });
    const findings = [human('claim not true: pods'), human('exercise did not settle', 'warning'), human('pod cannot start'), human('output appeared after 5 s', 'info')];
    const fixed = fixLesson(md, findings, { from: 'a', to: 'b' });
    expect(fixed.text).to.equal(md);
    expect(fixed.diff).to.equal('');
    expect(fixed.todo.map((f) => f.title)).to.deep.equal(['claim not true: pods', 'exercise did not settle', 'pod cannot start']);
  });
});

describe('--fix: applying edits', () => {
  const base: Omit<Finding, 'fix'> = { severity: 'error', file: FILE, line: 2, exercise: 'A', title: 't', lessonSays: '', clusterDid: '', suggestion: '' };

  it('leaves every byte outside the edits alone: CRLF, trailing spaces, a missing final newline', () => {
    const md = '# T  \r\n> ```\r\n> a\r\n>\r\n> b\r\n> ```\r\ntail without newline';
    const r = applyFixes(md, [{ ...base, fix: [{ kind: 'lines', line: 3, endLine: 3, original: ['a'], replacement: ['x', '', 'y'] }] }]);
    expect(r.text).to.equal('# T  \r\n> ```\r\n> x\r\n>\r\n> y\r\n>\r\n> b\r\n> ```\r\ntail without newline');
    const last = applyFixes(md, [{ ...base, fix: [{ kind: 'word', line: 7, from: 'newline', to: 'end' }] }]);
    expect(last.text).to.equal(md.replace('without newline', 'without end'));
  });

  it('keeps a list item\'s indent', () => {
    const md = '1. Run:\n\n   ```\n   old\n   ```\n';
    expect(applyFixes(md, [{ ...base, fix: [{ kind: 'lines', line: 4, endLine: 4, original: ['old'], replacement: ['new', 'more'] }] }]).text).to.equal('1. Run:\n\n   ```\n   new\n   more\n   ```\n');
  });

  it('skips an edit whose lines changed since the run, and one that overlaps another, with the reason', () => {
    const md = 'a\nb\nc\n';
    const stale = { ...base, fix: [{ kind: 'lines' as const, line: 3, endLine: 3, original: ['C'], replacement: ['x'] }] };
    const first = { ...base, fix: [{ kind: 'lines' as const, line: 1, endLine: 2, original: ['a', 'b'], replacement: ['x'] }] };
    const overlapping = { ...base, fix: [{ kind: 'lines' as const, line: 2, endLine: 3, original: ['b', 'c'], replacement: ['y'] }] };
    const r = applyFixes(md, [stale, first, overlapping]);
    expect(r.text).to.equal('x\nc\n');
    expect(r.skipped.map((s) => s.reason)).to.deep.equal(['overlaps another fix at line 2; run --fix again after this one', 'line 3 is no longer "C" (the lesson changed since it was verified; verify it again)']);
    const fixed = fixLesson(md, [stale, first], { from: 'a', to: 'b' });
    expect(fixed.todo).to.deep.equal([stale]);
  });

  it('applies an edit shared by several findings once', () => {
    const edit = { kind: 'lines' as const, line: 1, endLine: 1, original: ['a'], replacement: ['a', 'a2'] };
    const r = applyFixes('a\n', [{ ...base, fix: [edit] }, { ...base, title: 'u', fix: [{ ...edit }] }]);
    expect(r.text).to.equal('a\na2\n');
    expect(r.applied).to.have.length(1);
    expect(r.applied[0]?.findings).to.have.length(2);
  });

  it('prints a unified diff of the change', () => {
    const fixed = fixLesson('a\nb\n', [{ ...base, fix: [{ kind: 'lines', line: 2, endLine: 2, original: ['b'], replacement: ['c'] }] }], { from: 'lesson.md', to: 'lesson.fixed.md' });
    expect(fixed.diff).to.contain('--- lesson.md\n+++ lesson.fixed.md\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });
});

describe('--fix: stable output helpers', () => {
  it('keepLessonWords keeps the lesson\'s generated names and ages, the cluster\'s columns', () => {
    expect(keepLessonWords('countdown-jfwzk   0/1     Completed   0          75s', 'countdown-x8c2v   1/1     Running   0          4s')).to.equal('countdown-jfwzk   1/1     Running   0          75s');
    expect(keepLessonWords('pod "web-abcde" deleted', 'pod "web-fghij" deleted from default namespace')).to.equal('pod "web-abcde" deleted from default namespace');
  });
  it('formatTable lays out like kubectl; alignRow places cells under a header', () => {
    expect(formatTable([['NAME', 'STATUS'], ['countdown', 'Complete']])).to.deep.equal(['NAME        STATUS', 'countdown   Complete']);
    expect(alignRow(['a', 'b', 'c'], [0, 6, 10])).to.equal('a     b   c');
    expect(alignRow(['a-very-long-name', 'b'], [0, 6])).to.equal('a-very-long-name   b');
  });
});

describe('--fix: where the fixed lesson is written', () => {
  const finding: Finding = { severity: 'error', file: FILE, line: 2, exercise: 'A', title: 't', lessonSays: '', clusterDid: '', suggestion: '', fix: [{ kind: 'lines', line: 2, endLine: 2, original: ['b'], replacement: ['c'] }] };

  it('beside the lesson as <name>.fixed.md, the lesson untouched; or over it with --fix=inplace', async () => {
    expect(fixedLessonPath('lessons/jobs.md', 'beside')).to.equal('lessons/jobs.fixed.md');
    expect(fixedLessonPath('lessons/jobs.md', 'inplace')).to.equal('lessons/jobs.md');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fix-write-'));
    try {
      const lessonPath = path.join(dir, 'l.md');
      await writeFile(lessonPath, 'a\nb\n');
      const beside = await writeFixedLesson(lessonPath, [finding], 'beside');
      expect(await readFile(beside.path, 'utf8')).to.equal('a\nc\n');
      expect(await readFile(lessonPath, 'utf8')).to.equal('a\nb\n');
      const inplace = await writeFixedLesson(lessonPath, [finding], 'inplace');
      expect(inplace.path).to.equal(lessonPath);
      expect(await readFile(lessonPath, 'utf8')).to.equal('a\nc\n');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
