// The course's lessons in every style and workload verify with zero error findings on the run's
// cluster, and a broken copy of each (specs/fixtures/lessons/*.broken.md, at least one broken claim
// or output per exercise) is reported at the lines that were broken. The lessons of one group run
// concurrently, each in its own namespaces, as a course run would.
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../src/config/project-root.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { allFindings, type VerificationReport } from '../../src/report/verification-report.ts';
import { verifyCourse } from '../../src/course/verify-course.ts';
import { courseExitCode, courseRows, type CourseRow } from '../../src/report/course-report.ts';
import { whenClusterUp } from '../e2e/support/lesson-cluster.ts';

const lessons = path.join(projectRoot, 'lessons');
const fixtures = path.join(projectRoot, 'specs', 'fixtures', 'lessons');

/** Each lesson, and the lines its broken copy must be reported at (an error finding on each). */
export const COURSE: { lesson: string; brokenLines: number[] }[] = [
  { lesson: 'deployments.md', brokenLines: [48, 85, 107, 110, 142, 159, 186, 198] },
  { lesson: 'cronjobs-and-ttl.md', brokenLines: [73, 84, 123, 136] },
  { lesson: 'configmaps-and-secrets.md', brokenLines: [19, 31, 66, 70, 107, 112, 122] },
  { lesson: 'namespaces-and-pods.md', brokenLines: [15, 29, 63, 76, 119, 122, 133] },
  { lesson: 'statefulset-session.md', brokenLines: [18, 77, 82, 95, 103, 112] },
];

const describeFindings = (findings: Finding[]): string => findings.map((f) => `  ${f.line} ${f.severity} ${f.title}: ${f.clusterDid.split('\n')[0] ?? ''}`).join('\n');

/** The lessons as one course run: concurrently, except those creating namespaces (see verify-course.ts). */
function verifyAll(files: string[]): Promise<{ reports: Map<string, VerificationReport>; rows: CourseRow[] }> {
  return whenClusterUp(async (cluster) => {
    const course = await verifyCourse({ lessons: files, cluster, jobs: files.length });
    const reports = new Map(course.results.flatMap((r) => (r.report ? [[path.basename(r.lesson), r.report] as const] : [])));
    return { reports, rows: courseRows(course) };
  });
}

describe('the course: every lesson verifies clean', function () {
  // The slowest lesson waits for a CronJob's first minute and a 15 s TTL: about 2 minutes; the
  // other verify suites run beside it (whenClusterUp).
  this.timeout(900_000);
  let reports: Map<string, VerificationReport>;
  let rows: CourseRow[];
  const course = verifyAll(COURSE.map((c) => path.join(lessons, c.lesson)));
  before(async () => {
    ({ reports, rows } = await course);
  });
  for (const { lesson } of COURSE) {
    it(`${lesson}: zero error findings`, () => {
      const errors = allFindings(reports.get(lesson) as VerificationReport).filter((f) => f.severity === 'error');
      expect(errors, `${lesson}:\n${describeFindings(errors)}`).to.deep.equal([]);
    });
  }
  it('the course index lists every lesson as passing, and the run exits 0', () => {
    expect(rows.map((r) => [path.basename(r.lesson), r.result])).to.deep.equal(COURSE.map((c) => [c.lesson, 'pass']));
    expect(courseExitCode(rows)).to.equal(0);
  });
});

describe('the course: broken copies are reported at the broken lines', function () {
  this.timeout(900_000);
  let reports: Map<string, VerificationReport>;
  let rows: CourseRow[];
  const course = verifyAll(COURSE.map((c) => path.join(fixtures, c.lesson.replace(/\.md$/, '.broken.md'))));
  before(async () => {
    ({ reports, rows } = await course);
  });
  it('the course index marks every broken copy failed, and the run exits 1', () => {
    expect(rows.map((r) => r.result)).to.deep.equal(COURSE.map(() => 'fail'));
    expect(courseExitCode(rows)).to.equal(1);
  });
  for (const { lesson, brokenLines } of COURSE) {
    const broken = lesson.replace(/\.md$/, '.broken.md');
    it(`${broken}: an error at each of lines ${brokenLines.join(', ')}, and nowhere else`, () => {
      const errors = allFindings(reports.get(broken) as VerificationReport).filter((f) => f.severity === 'error');
      const lines = [...new Set(errors.map((f) => f.line))].sort((a, b) => a - b);
      expect(lines, `${broken}:\n${describeFindings(errors)}`).to.deep.equal(brokenLines);
    });
  }
});
