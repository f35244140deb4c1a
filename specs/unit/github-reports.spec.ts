// Findings where authors work: GitHub workflow commands (escaping per the runner's rules) and a
// SARIF 2.1.0 log validated against the official schema (shipped by @microsoft/jest-sarif).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';
import type { Finding } from '../../src/findings/finding.ts';
import { escapeData, escapeProperty, githubAnnotations, workflowCommand } from '../../src/report/github-annotations.ts';
import { ruleId, sarifReport } from '../../src/report/sarif-report.ts';
import type { VerificationReport } from '../../src/report/verification-report.ts';

const require = createRequire(import.meta.url);
const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as object;

const finding = (over: Partial<Finding>): Finding => ({
  severity: 'error', file: 'lessons/kubernetes-jobs.md', line: 56, exercise: 'Countdown, part 1', title: 'file name mismatch: runonce.yaml vs countdown.yaml',
  lessonSays: 'create runonce.yaml', clusterDid: 'error: the path "countdown.yaml" does not exist', suggestion: 'Rename the file to countdown.yaml (line 31)', ...over,
});

const report: VerificationReport = {
  lesson: 'lessons/kubernetes-jobs.md', startedAt: Date.UTC(2025, 0, 1), durationMs: 90_000, cluster: { provider: 'local', version: 'v1.34.12' },
  exercises: [{
    title: 'Countdown', line: 23, durationMs: 1000, commands: [], pods: [],
    findings: [
      finding({ fix: [{ kind: 'word', line: 31, from: 'runonce.yaml', to: 'countdown.yaml' }] }),
      finding({ severity: 'warning', line: 72, title: 'column added: STATUS', suggestion: 'Update the table:\nNAME  STATUS  100%' }),
      finding({ severity: 'info', line: 94, title: 'output appeared after 5 s' }),
    ],
  }],
};

function validator() {
  // The schema is draft-04; its `language` pattern is not valid in Unicode mode, hence unicodeRegExp off.
  const ajv = new ajvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
  ajvFormats.default(ajv);
  return ajv.compile(schema);
}

describe('GitHub workflow commands', () => {
  it('one command per finding, on its file and line, error/warning/notice', () => {
    const lines = githubAnnotations(report).trimEnd().split('\n');
    expect(lines.map((l) => l.split(' ')[0])).to.deep.equal(['::error', '::warning', '::notice']);
    expect(lines[0]).to.match(/^::error file=lessons\/kubernetes-jobs\.md,line=56,title=Countdown%2C part 1%3A file name mismatch%3A runonce\.yaml vs countdown\.yaml::Rename the file/);
  });

  it('escapes %, CR and LF in the message, and also : and , in properties', () => {
    expect(escapeData('100% done\r\nnext')).to.equal('100%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%\n')).to.equal('a%3Ab%2Cc%25%0A');
    const command = workflowCommand(finding({ severity: 'warning', suggestion: 'Update the table:\nNAME  STATUS  100%' }));
    expect(command.trimEnd().split('\n')).to.have.length(1);
    expect(command).to.contain('::Update the table:%0ANAME  STATUS  100%25%0ALesson says');
  });

  it('names the file relative to the repository root, as GitHub needs', () => {
    expect(workflowCommand(finding({ file: '/repo/lessons/jobs.md' }), '/repo')).to.match(/^::error file=lessons\/jobs\.md,line=56,/);
  });

  it('says when a finding is fixable with --fix', () => {
    expect(workflowCommand(report.exercises[0]!.findings[0]!)).to.contain('Fixable: lesson-verify --fix');
    expect(workflowCommand(report.exercises[0]!.findings[1]!)).not.to.contain('Fixable');
  });
});

describe('SARIF report', () => {
  it('is valid SARIF 2.1.0 (the official schema)', () => {
    const validate = validator();
    const ok = validate(JSON.parse(sarifReport(report)));
    expect(ok, JSON.stringify(validate.errors, null, 2)).to.equal(true);
  });

  it('the validation can fail: a result without a message, a wrong level', () => {
    const validate = validator();
    const log = JSON.parse(sarifReport(report)) as { runs: { results: Record<string, unknown>[] }[] };
    const result = log.runs[0]!.results[0]!;
    delete result.message;
    result.level = 'fatal';
    expect(validate(log)).to.equal(false);
    expect(validate.errors?.map((e: { message?: string }) => e.message).join('; ')).to.match(/message|allowed values/);
  });

  it('a result per finding at its line, levels error/warning/note, one rule per kind of finding', () => {
    const log = JSON.parse(sarifReport(report)) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    const run = log.runs[0]!;
    expect(run.results.map((r) => [r.ruleId, r.level, r.locations[0]?.physicalLocation.region.startLine])).to.deep.equal([
      ['lesson/file-name-mismatch', 'error', 56], ['lesson/column-added', 'warning', 72], ['lesson/output-appeared-after-n-s', 'note', 94],
    ]);
    expect(run.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).to.equal('lessons/kubernetes-jobs.md');
    expect(run.tool.driver.rules.map((r) => r.id)).to.deep.equal(['lesson/file-name-mismatch', 'lesson/column-added', 'lesson/output-appeared-after-n-s']);
    expect(ruleId('pod 1: lesson A, cluster B')).to.equal('lesson/pod-n');
  });
});
