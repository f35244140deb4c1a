// The shipped Jobs lesson, verified once per mocha run on the run's cluster: the verify spec checks
// its findings and the --fix spec fixes them. Its four exercises take about 100 s one after another,
// as a student runs them; twice was the longest path of the lesson suites.
import path from 'node:path';
import { projectRoot } from '../../../src/config/project-root.ts';
import type { VerificationReport } from '../../../src/report/verification-report.ts';
import { verifyLesson } from '../../../src/verify/verify-lesson.ts';
import { whenClusterUp } from '../../e2e/support/lesson-cluster.ts';

export const shippedJobsLesson = path.join(projectRoot, 'lessons', 'kubernetes-jobs.md');

let verified: Promise<VerificationReport> | undefined;

/** Call it while mocha loads the specs (inside describe()): the verification starts with the cluster. */
export function verifiedShippedJobsLesson(): Promise<VerificationReport> {
  verified ??= whenClusterUp((cluster) => verifyLesson({ lessonPath: shippedJobsLesson, cluster, log: () => undefined }));
  return verified;
}
