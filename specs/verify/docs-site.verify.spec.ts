// A docs site's task page (the Kubernetes website's Hugo style: code_sample includes, tabs, notes,
// examples applied by URL) verifies as written on the run's cluster, its examples read from the
// site's own content/en/examples; a copy with wrong outputs is reported at exactly those lines.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { applyFixes } from '../../src/fix/apply-fixes.ts';
import { projectRoot } from '../../src/config/project-root.ts';
import type { Finding } from '../../src/findings/finding.ts';
import { allFindings, type VerificationReport } from '../../src/report/verification-report.ts';
import { verifyLesson } from '../../src/verify/verify-lesson.ts';
import { whenClusterUp } from '../e2e/support/lesson-cluster.ts';

const site = path.join(projectRoot, 'specs', 'fixtures', 'docs-site');
const page = path.join(site, 'content', 'en', 'docs', 'tasks', 'job', 'run-a-job.md');
/** Outside the site, so its examples come from the option, not from the folders above it. */
const broken = path.join(projectRoot, 'specs', 'fixtures', 'docs-site-broken', 'run-a-job.broken.md');
/** The lines of the broken copy whose output was changed: the tab's `kubectl get job`, the logs, `kubectl get deployment`. */
const BROKEN_LINES = [53, 80, 122];

const describeFindings = (findings: Finding[]): string => findings.map((f) => `  ${f.line} ${f.severity} ${f.title}: ${f.clusterDid.split('\n')[0] ?? ''}`).join('\n');

describe('lesson-verify on a docs site\'s task page (Hugo shortcodes, examples by URL)', function () {
  // Both pages at once, each in its own namespace: a Job of a few seconds and a 2-replica rollout.
  this.timeout(600_000);
  let report: VerificationReport;
  let brokenReport: VerificationReport;
  // Started with the cluster, beside the other verify suites (whenClusterUp).
  const verified = whenClusterUp((cluster) => Promise.all([
    verifyLesson({ lessonPath: page, cluster, log: () => undefined }),
    verifyLesson({ lessonPath: broken, cluster, examplesDir: path.join(site, 'content', 'en', 'examples'), log: () => undefined }),
  ]));
  before(async () => {
    [report, brokenReport] = await verified;
  });

  it('the page verifies with zero error findings', () => {
    const errors = allFindings(report).filter((f) => f.severity === 'error');
    expect(errors, describeFindings(errors)).to.deep.equal([]);
  });

  it('ran the example URLs on the local copies, the first tab\'s command, and not the note\'s', () => {
    const ran = report.exercises.flatMap((e) => e.commands.map((c) => [c.line, c.command, c.exitCode]));
    expect(ran).to.deep.include.members([
      [29, 'kubectl apply -f .examples/controllers/job.yaml', 0],
      [51, 'kubectl get job pi', 0],
      [92, 'kubectl apply -f .examples/application/deployment.yaml', 0],
      [128, 'kubectl delete -f .examples/application/deployment.yaml', 0],
    ]);
    const commands = ran.map((c) => c[1]);
    expect(commands).not.to.include('kubectl describe job pi');
    expect(commands).not.to.include('kubectl delete job pi --cascade=orphan');
    expect(commands.some((c) => String(c).startsWith('kubectl create deployment'))).to.equal(false);
  });

  it('the example Job ran once, to completion, on the cluster', () => {
    const pods = report.exercises.find((e) => e.title === 'Running an example Job')?.pods ?? [];
    expect(pods.map((p) => p.outcome)).to.deep.equal(['Succeeded']);
  });

  it(`the broken copy (examples from --examples) has an error at each of lines ${BROKEN_LINES.join(', ')}, and nowhere else`, () => {
    const errors = allFindings(brokenReport).filter((f) => f.severity === 'error');
    expect([...new Set(errors.map((f) => f.line))].sort((a, b) => a - b), describeFindings(errors)).to.deep.equal(BROKEN_LINES);
  });

  it('--fix turns the broken copy back into the page (shortcodes and all), but for its title', () => {
    const fixed = applyFixes(readFileSync(broken, 'utf8'), allFindings(brokenReport)).text;
    expect(fixed.replace(' (broken copy)', '')).to.equal(readFileSync(page, 'utf8'));
  });
});
