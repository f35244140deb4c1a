// The course's lessons in every style and workload verify with zero error findings on the run's
// cluster, and a broken copy of each (specs/fixtures/lessons/*.broken.md, at least one broken claim
// or output per exercise) is reported at the lines that were broken. The lessons of one group run
// concurrently, each in its own namespaces, as a course run would.
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../src/config/project-root.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { allFindings, type VerificationReport } from '../../src/report/verification-report.ts';
import { loadLesson, namespacesNamed, verifyLesson } from '../../src/verify/verify-lesson.ts';
import { sharedCluster } from '../e2e/support/lesson-cluster.ts';

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

/**
 * Lessons run concurrently, except one that creates namespaces of its own: it runs alone, since a
 * lesson identity is given every namespace created while it lives (see src/sandbox/lesson-credentials.ts).
 */
async function verifyAll(files: string[]): Promise<Map<string, VerificationReport>> {
  const reports = new Map<string, VerificationReport>();
  const verify = async (lessonPath: string): Promise<void> => {
    reports.set(path.basename(lessonPath), await verifyLesson({ lessonPath, cluster: sharedCluster(), log: () => undefined }));
  };
  const alone: string[] = [];
  const together: string[] = [];
  for (const file of files) (namespacesNamed(await loadLesson(file)).length > 0 ? alone : together).push(file);
  await Promise.all(together.map(verify));
  for (const file of alone) await verify(file);
  return reports;
}

describe('the course: every lesson verifies clean', function () {
  // The slowest lesson waits for a CronJob's first minute and a 15 s TTL: about 2 minutes.
  this.timeout(900_000);
  let reports: Map<string, VerificationReport>;
  before(async () => {
    reports = await verifyAll(COURSE.map((c) => path.join(lessons, c.lesson)));
  });
  for (const { lesson } of COURSE) {
    it(`${lesson}: zero error findings`, () => {
      const errors = allFindings(reports.get(lesson) as VerificationReport).filter((f) => f.severity === 'error');
      expect(errors, `${lesson}:\n${describeFindings(errors)}`).to.deep.equal([]);
    });
  }
});

describe('the course: broken copies are reported at the broken lines', function () {
  this.timeout(900_000);
  let reports: Map<string, VerificationReport>;
  before(async () => {
    reports = await verifyAll(COURSE.map((c) => path.join(fixtures, c.lesson.replace(/\.md$/, '.broken.md'))));
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
