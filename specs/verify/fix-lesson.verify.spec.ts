// The fixed point of `lesson-verify --fix` on the run's cluster: verify a lesson, write the fixed
// lesson as the CLI does, verify that: no error is left but the ones the first run left for a
// human (the TODO list). The shipped Jobs lesson has three false <!-- expect: --> claims, which no
// mechanical fix may touch; the two broken fixtures have mechanical mistakes only.
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../src/config/project-root.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { writeFixedLesson } from '../../src/fix/write-fixed-lesson.ts';
import { allFindings, type VerificationReport } from '../../src/report/verification-report.ts';
import { verifyLesson } from '../../src/verify/verify-lesson.ts';
import type { StartedCluster } from '../../src/cluster-providers/cluster-provider.ts';
import { whenClusterUp } from '../e2e/support/lesson-cluster.ts';
import { verifiedShippedJobsLesson } from './support/shipped-jobs-lesson.ts';

const quiet = { log: () => undefined };
const errors = (findings: Finding[]): string[] => findings.filter((f) => f.severity === 'error').map((f) => `${f.exercise} | ${f.title}`).sort();
const describeAll = (findings: Finding[]): string => findings.map((f) => `  ${f.line} ${f.severity} ${f.title}${f.fix ? ' (fixable)' : ''}`).join('\n');

interface Case {
  lesson: string;
  /** What the fixed lesson must still contain: the author's elisions, wildcards and comments. */
  keeps: string[];
  /** Errors of the first run that no mechanical fix can touch (they stay on the TODO list). */
  human: number;
  /** The lesson's first verification, when another spec makes it anyway (the same file, unchanged). */
  verified?: () => Promise<VerificationReport>;
}

const cases: Case[] = [
  { lesson: 'lessons/kubernetes-jobs.md', keeps: ['<!-- expect: pods == 10;', '> . . .', 'kubectl logs -f countdown-jfwzk', '> countdown-jfwzk   0/1     Completed   0          75s'], human: 3, verified: verifiedShippedJobsLesson },
  { lesson: 'specs/fixtures/lessons/fixable-configmap-session.md', keeps: ['hello from ...\n', '\n...\ndone\n', '<!-- expect: pod/greeter', '> ```\n> pod/greeter unchanged\n> ```'], human: 0 },
  { lesson: 'specs/fixtures/lessons/fixable-deployment.md', keeps: ['   web-7d9c5b8f6-x2x4q', '   ```yaml\n', '<!-- expect: deployment/web'], human: 0 },
];

/** verify, write the fixed lesson, verify that: what the test then checks. */
async function fixPoint(c: Case, cluster: StartedCluster, dir: string, verified: Promise<VerificationReport> | undefined) {
  const copy = path.join(dir, path.basename(c.lesson));
  await copyFile(path.join(projectRoot, c.lesson), copy);
  const first = allFindings(await (verified ?? verifyLesson({ lessonPath: copy, cluster, ...quiet })));
  const fixed = await writeFixedLesson(copy, first, 'beside');
  // The second verification runs only on a lesson that was fixed; the test says why not otherwise.
  const second = fixed.applied.length > 0 ? allFindings(await verifyLesson({ lessonPath: fixed.path, cluster, ...quiet })) : [];
  return { copy, first, fixed, text: await readFile(fixed.path, 'utf8').catch(() => ''), second };
}

describe('lesson-verify --fix: the fixed lesson verifies clean', function () {
  // Two verifications per lesson; the Jobs lesson takes about 100 s each (its first one is the
  // verify spec's, support/shipped-jobs-lesson.ts). All three cases run beside the other verify
  // suites (whenClusterUp).
  this.timeout(900_000);
  const dir = mkdtemp(path.join(os.tmpdir(), 'fix-point-'));
  after(async () => { await rm(await dir, { recursive: true, force: true }); });

  for (const c of cases) {
    // Asked for here, while mocha loads the specs: a shared verification starts with the cluster.
    const verified = c.verified?.();
    const outcome = whenClusterUp(async (cluster) => fixPoint(c, cluster, await dir, verified));
    it(`${c.lesson}: fix, verify again, no error left but the human ones`, async () => {
      const { copy, first, fixed, text, second } = await outcome;
      expect(fixed.path).to.equal(copy.replace(/\.md$/, '.fixed.md'));
      expect(fixed.skipped.map((s) => `${s.edit.line}: ${s.reason}`), 'edits that could not be applied').to.deep.equal([]);
      expect(fixed.applied.length, `mechanical fixes; the findings were:\n${describeAll(first)}`).to.be.greaterThan(0);
      const humanErrors = fixed.todo.filter((f) => f.severity === 'error');
      expect(humanErrors.length, `errors left for a human:\n${describeAll(humanErrors)}`).to.equal(c.human);

      for (const kept of c.keeps) expect(text, `the fixed lesson keeps ${JSON.stringify(kept)}\n${fixed.diff}`).to.contain(kept);

      expect(errors(second), `errors after --fix (the diff was:\n${fixed.diff})\n${describeAll(second)}`).to.deep.equal(errors(humanErrors));
    });
  }
});
