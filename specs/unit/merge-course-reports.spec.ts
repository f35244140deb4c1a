// Merging the course indexes of sharded runs: rows of every shard, links rebased onto the shard's
// folder, the run's span from the first start to the last end, one JUnit file, the timings.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import type { CourseReport } from '../../src/course/verify-course.ts';
import { courseJson, courseJunit, courseRows } from '../../src/report/course-report.ts';
import { mergeCourses, mergeJunit, mergeTimings, parseCourseJson } from '../../src/report/merge-course-reports.ts';
import type { VerificationReport } from '../../src/report/verification-report.ts';
import { projectRoot } from '../../src/config/project-root.ts';

const report = (lesson: string, severity?: 'error' | 'warning'): VerificationReport => ({
  lesson, startedAt: 0, durationMs: 2_000, cluster: { provider: 'local', version: 'v1.34.12' },
  exercises: [{ title: 'E', line: 3, durationMs: 2_000, commands: [], pods: [], findings: severity ? [{ severity, file: lesson, line: 9, exercise: 'E', title: 'output differs', lessonSays: 'a', clusterDid: 'b', suggestion: 'c' }] : [] }],
});
/** A shard's course as the CLI writes it: its rows link to `<slug>/<name>.html`. */
function shard(startedAt: number, durationMs: number, lessons: [string, 'error' | 'warning' | undefined][]): { course: CourseReport; json: string } {
  const course: CourseReport = { startedAt, durationMs, cluster: { provider: 'local', version: 'v1.34.12' }, results: lessons.map(([l, s]) => ({ lesson: l, report: report(l, s) })) };
  const links = Object.fromEntries(lessons.map(([l]) => [l, `${l.replace(/\.md$/, '').replace(/\//g, '--')}/${path.basename(l, '.md')}.html`]));
  return { course, json: courseJson(course, courseRows(course, links)) };
}

describe('merging sharded course reports', () => {
  const one = shard(Date.parse('2026-01-01T10:00:00Z'), 60_000, [['lessons/jobs.md', undefined], ['lessons/pods.md', 'warning']]);
  const two = shard(Date.parse('2026-01-01T10:00:20Z'), 70_000, [['lessons/deployments.md', 'error']]);

  it('takes every shard\'s rows, sorted by lesson, links rebased onto each shard\'s folder', () => {
    const { rows } = mergeCourses([
      { dir: 'shards/shard-1', course: parseCourseJson(one.json, 'one') },
      { dir: 'shards/shard-2', course: parseCourseJson(two.json, 'two') },
    ]);
    expect(rows.map((r) => [r.lesson, r.result, r.link])).to.deep.equal([
      ['lessons/deployments.md', 'fail', 'shards/shard-2/lessons--deployments/deployments.html'],
      ['lessons/jobs.md', 'pass', 'shards/shard-1/lessons--jobs/jobs.html'],
      ['lessons/pods.md', 'pass', 'shards/shard-1/lessons--pods/pods.html'],
    ]);
  });
  it('spans the run from the first shard\'s start to the last one\'s end, on the shards\' cluster', () => {
    const { summary } = mergeCourses([{ dir: 'a', course: parseCourseJson(one.json, 'one') }, { dir: 'b', course: parseCourseJson(two.json, 'two') }]);
    expect(summary).to.deep.equal({ startedAt: Date.parse('2026-01-01T10:00:00Z'), durationMs: 90_000, cluster: { provider: 'local', version: 'v1.34.12' } });
  });
  it('refuses a lesson in two shards (two runners with the same --shard), naming both', () => {
    const again = { dir: 'c', course: parseCourseJson(one.json, 'again') };
    expect(() => mergeCourses([{ dir: 'a', course: parseCourseJson(one.json, 'one') }, again])).to.throw(TypeError, /lessons\/jobs\.md in a and c: give each runner its own --shard i\/n/);
  });
  it('refuses what is not a course.json, naming the file', () => {
    expect(() => parseCourseJson('{"lessons": 3}', 'x/course.json')).to.throw(TypeError, /x\/course\.json to be a course\.json/);
    expect(() => parseCourseJson('<html>', 'y/course.json')).to.throw(TypeError, /y\/course\.json .* not JSON/);
    expect(() => mergeCourses([])).to.throw(TypeError, /at least one shard/);
  });
  it('JUnit: every lesson\'s testsuite under one <testsuites>; timings of every lesson', () => {
    const xml = mergeJunit([courseJunit(one.course), courseJunit(two.course)], 90_000);
    expect(xml.match(/<testsuite /g)?.length).to.equal(3);
    expect(xml).to.match(/^<\?xml[^\n]*\n<testsuites name="course" time="90\.000">\n {2}<testsuite name="lessons\/jobs\.md"[\s\S]*name="lessons\/deployments\.md" tests="1" failures="1"[\s\S]*<\/testsuite>\n<\/testsuites>\n$/);
    expect(mergeTimings([{ 'b.md': 2, 'a.md': 1 }, { 'c.md': 3 }])).to.deep.equal({ 'a.md': 1, 'b.md': 2, 'c.md': 3 });
  });

  describe('lesson-verify merge', function () {
    this.timeout(30_000);
    let dir: string;
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'merge-spec-'));
      for (const [name, s] of [['shard-1', one], ['shard-2', two]] as const) {
        await mkdir(path.join(dir, 'shards', name), { recursive: true });
        await writeFile(path.join(dir, 'shards', name, 'course.json'), s.json);
        await writeFile(path.join(dir, 'shards', name, 'course.junit.xml'), courseJunit(s.course));
        await writeFile(path.join(dir, 'shards', name, 'timings.json'), JSON.stringify(Object.fromEntries(s.course.results.map((r) => [r.lesson, 2]))));
      }
    });
    after(() => rm(dir, { recursive: true, force: true }));
    const merge = (...args: string[]) => execa(process.execPath, [path.join(projectRoot, 'bin/lesson-verify.js'), 'merge', ...args], { cwd: dir, reject: false });

    it('writes one index from the shards\' folders and exits with the worst lesson\'s code', async () => {
      const run = await merge('shards', '--out', 'course');
      expect(run.exitCode, String(run.stderr)).to.equal(1);
      expect(run.stdout).to.match(/2\/3 lessons pass[\s\S]*merged 2 shard\(s\): course\/index\.html/);
      const index = JSON.parse(await readFile(path.join(dir, 'course', 'course.json'), 'utf8')) as { exitCode: number; lessons: { lesson: string; link: string }[] };
      expect(index.exitCode).to.equal(1);
      expect(index.lessons.map((l) => l.link)).to.deep.equal(['../shards/shard-2/lessons--deployments/deployments.html', '../shards/shard-1/lessons--jobs/jobs.html', '../shards/shard-1/lessons--pods/pods.html']);
      expect(await readFile(path.join(dir, 'course', 'index.md'), 'utf8')).to.include('[lessons/jobs.md](../shards/shard-1/lessons--jobs/jobs.md)');
      expect(Object.keys(JSON.parse(await readFile(path.join(dir, 'course', 'timings.json'), 'utf8')) as object)).to.have.length(3);
    });
    it('merging again from a folder that holds an earlier merge takes the shards only', async () => {
      for (const out of ['course', 'again']) {
        const run = await merge('.', '--out', out);
        expect(run.exitCode, String(run.stderr)).to.equal(1);
        expect(run.stderr).to.match(/skipping course\/course\.json: an earlier merge/);
        expect(run.stdout).to.match(/merged 2 shard\(s\)/);
      }
      const index = JSON.parse(await readFile(path.join(dir, 'again', 'course.json'), 'utf8')) as { mergedFrom: string[] };
      expect(index.mergedFrom).to.deep.equal(['../shards/shard-1', '../shards/shard-2']);
    });
    it('says where it looked when there is nothing to merge', async () => {
      await mkdir(path.join(dir, 'empty'));
      const run = await merge('empty');
      expect(run.exitCode).to.equal(2);
      expect(run.stderr).to.match(/no course\.json below empty[\s\S]*fix: give the folders/);
    });
  });
});
