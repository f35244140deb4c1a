// Course runs: which lessons, which shard, and the course report's rows and exit code.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { expandLessonPaths, shardLessons } from '../../src/course/lesson-paths.ts';
import type { CourseReport } from '../../src/course/verify-course.ts';
import { courseExitCode, courseJunit, courseRows, courseTerminalTable } from '../../src/report/course-report.ts';
import type { VerificationReport } from '../../src/report/verification-report.ts';
import { parseLesson } from '../../src/lesson/parse-lesson.ts';
import { namespacesNamed } from '../../src/verify/verify-lesson.ts';

describe('course lessons', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'course-spec-'));
    for (const f of ['b.md', 'a.md', 'a.fixed.md', 'notes.txt', 'sub/c.markdown', '.hidden/d.md', 'node_modules/e.md']) {
      await mkdir(path.dirname(path.join(dir, f)), { recursive: true });
      await writeFile(path.join(dir, f), '# x\n');
    }
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('expands folders to their Markdown, sorted, without hidden folders, node_modules or --fix proposals; files as given', async () => {
    expect((await expandLessonPaths([dir])).map((p) => path.relative(dir, p))).to.deep.equal(['a.md', 'b.md', 'sub/c.markdown']);
    expect(await expandLessonPaths([path.join(dir, 'b.md'), path.join(dir, 'b.md')])).to.deep.equal([path.join(dir, 'b.md')]);
  });
  it('names a path that does not exist', async () => {
    const error = await expandLessonPaths([path.join(dir, 'nope')]).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.match(/no lesson file or folder .*nope/);
  });

  const lessons = ['a.md', 'b.md', 'c.md', 'd.md', 'e.md'];
  it('shards cover every lesson exactly once, the same way every time', () => {
    const shards = [1, 2, 3].map((i) => shardLessons(lessons, i, 3));
    expect(shards.flat().sort()).to.deep.equal(lessons);
    expect(shardLessons(lessons, 2, 3)).to.deep.equal(shards[1]);
  });
  it('balances shards by the last measured durations', () => {
    const durations = { 'a.md': 300, 'b.md': 100, 'c.md': 100, 'd.md': 100, 'e.md': 10 };
    // a (300) alone; b, c, d (100 each) on the other shard; e (10) where the load is least (a tie: the first).
    expect(shardLessons(lessons, 1, 2, durations)).to.deep.equal(['a.md', 'e.md']);
    expect(shardLessons(lessons, 2, 2, durations)).to.deep.equal(['b.md', 'c.md', 'd.md']);
  });
  it('refuses a shard outside 1..n', () => {
    expect(() => shardLessons(lessons, 0, 2)).to.throw(TypeError, /--shard i\/n/);
    expect(() => shardLessons(lessons, 3, 2)).to.throw(TypeError);
  });
});

describe('lessons that name namespaces (they run alone in a course)', () => {
  const named = (markdown: string): string[] => namespacesNamed(parseLesson(markdown, 'lesson.md'));
  const command = (line: string): string => `# L\n\n## One\n\n\`\`\`bash\n${line}\n\`\`\`\n`;
  it('finds kubectl\'s -n and --namespace, create namespace, and namespace: in manifests', () => {
    expect(named(command('kubectl get pods -n shop'))).to.deep.equal(['shop']);
    expect(named(command('kubectl get pods --namespace=shop | grep -n web'))).to.deep.equal(['shop']);
    expect(named(command('kubectl create namespace shop'))).to.deep.equal(['shop']);
    expect(named('# L\n\n## One\n\n```yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\n```\n')).to.deep.equal(['shop']);
  });
  it('does not take another program\'s -n for a namespace (shuf -n 1 in the Jobs lesson)', () => {
    expect(named(command('seq 10 | shuf -n 1; head -n 2 /etc/hosts'))).to.deep.equal([]);
    expect(named('# L\n\n## One\n\n```yaml\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: alpine\n        args: ["sleep $(shuf -i 5-10 -n 1)"]\n      restartPolicy: Never\n```\n')).to.deep.equal([]);
  });
});

describe('course report', () => {
  const report = (lesson: string, severity?: 'error' | 'warning'): VerificationReport => ({
    lesson, startedAt: 0, durationMs: 2_000, cluster: { provider: 'local', version: 'v1.34.12' },
    exercises: [{ title: 'E', line: 3, durationMs: 2_000, commands: [], pods: [], findings: severity ? [{ severity, file: lesson, line: 9, exercise: 'E', title: 'output differs', lessonSays: 'a', clusterDid: 'b', suggestion: 'c' }] : [] }],
  });
  const course: CourseReport = {
    startedAt: 0, durationMs: 5_000, cluster: { provider: 'local', version: 'v1.34.12' },
    results: [{ lesson: 'ok.md', report: report('ok.md', 'warning') }, { lesson: 'bad.md', report: report('bad.md', 'error') }, { lesson: 'broken.md', error: 'broken.md:1: nothing to verify' }],
  };
  it('one row per lesson, and the worst lesson decides the exit code', () => {
    const rows = courseRows(course);
    expect(rows.map((r) => [r.lesson, r.result, r.errors, r.warnings])).to.deep.equal([['ok.md', 'pass', 0, 1], ['bad.md', 'fail', 1, 0], ['broken.md', 'broken', 1, 0]]);
    expect(courseExitCode(rows)).to.equal(2);
    expect(courseExitCode(rows.slice(0, 2))).to.equal(1);
    expect(courseExitCode(rows.slice(0, 1))).to.equal(0);
    expect(courseTerminalTable(course, rows)).to.match(/1\/3 lessons pass[\s\S]*bad\.md\s+✗ fail\s+1/);
  });
  it('JUnit: a testsuite per lesson, failures where an exercise has an error, an error where a lesson could not run', () => {
    const xml = courseJunit(course);
    expect(xml.match(/<testsuite /g)?.length).to.equal(3);
    expect(xml).to.match(/<testsuite name="bad\.md" tests="1" failures="1"[\s\S]*bad\.md:9: output differs/);
    expect(xml).to.match(/<testsuite name="broken\.md" tests="1" failures="0" errors="1"/);
  });
});
