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
import { allFindings, type VerificationReport } from '../../src/report/verification-report.ts';
import type { Log } from 'sarif';
import { suggestedChanges } from '../../src/fix/suggested-changes.ts';
import { fixLesson } from '../../src/fix/fix-lesson.ts';
import { reviewComments, suggestionsMarkdown } from '../../src/report/github-suggestions.ts';

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

describe('suggested changes and SARIF fixes from the mechanical fixes', () => {
  const source = [
    '# Jobs', // 1
    '', // 2
    'Save it as runonce.yaml:', // 3
    '', // 4
    '> ```', // 5
    '> job.batch/pi created', // 6
    '> pod/extra', // 7
    '> ```', // 8
    '', // 9
    '```text', // 10
    'NAME   READY', // 11
    'pi     1/1', // 12
    '```', // 13
    '',
  ].join('\n');
  const word = finding({ line: 3, fix: [{ kind: 'word', line: 3, from: 'runonce.yaml', to: 'countdown.yaml' }] });
  const lines = finding({ line: 6, title: 'line differs: unchanged', fix: [{ kind: 'lines', line: 6, endLine: 7, original: ['job.batch/pi created', 'pod/extra'], replacement: ['job.batch/pi unchanged'] }] });
  // Two findings about one table share one edit; its new text holds ``` (the fence must be longer).
  const table = { kind: 'lines' as const, line: 11, endLine: 12, original: ['NAME   READY', 'pi     1/1'], replacement: ['NAME   READY   STATUS', 'pi     1/1     ```'] };
  const column = finding({ severity: 'warning', line: 11, title: 'column added: STATUS', fix: [table] });
  const row = finding({ severity: 'warning', line: 12, title: 'cell differs', fix: [table] });
  // The lesson changed since it was verified: no suggestion rather than a wrong one.
  const stale = finding({ line: 12, title: 'stale', fix: [{ kind: 'lines', line: 12, endLine: 12, original: ['something else'], replacement: ['x'] }] });
  const human = finding({ line: 1, title: 'claim is false' });
  const fixable: VerificationReport = { ...report, lesson: 'lessons/jobs.md', exercises: [{ ...report.exercises[0]!, findings: [word, lines, column, row, stale, human] }] };

  it('exact lines per edit, with the blockquote kept; findings sharing an edit give one change; a stale edit none', () => {
    const changes = suggestedChanges(source, allFindings(fixable));
    expect(changes.map((c) => [c.startLine, c.endLine, c.lines, c.findings.map((f) => f.title)])).to.deep.equal([
      [3, 3, ['Save it as countdown.yaml:'], [word.title]],
      [6, 7, ['> job.batch/pi unchanged'], ['line differs: unchanged']],
      [11, 12, ['NAME   READY   STATUS', 'pi     1/1     ```'], ['column added: STATUS', 'cell differs']],
    ]);
  });

  it('a pull-request review: one comment per change on the lines it replaces, as a suggestion block', () => {
    const review = reviewComments(fixable, source, process.cwd());
    expect(review?.event).to.equal('COMMENT');
    expect(review?.comments.map((c) => [c.path, c.start_line, c.line])).to.deep.equal([['lessons/jobs.md', undefined, 3], ['lessons/jobs.md', 6, 7], ['lessons/jobs.md', 11, 12]]);
    expect(review?.comments[1]?.body).to.equal('**lesson-verify:** line differs: unchanged\n\n```suggestion\n> job.batch/pi unchanged\n```');
    expect(review?.comments[2]?.body).to.match(/\n````suggestion\nNAME {3}READY {3}STATUS\npi {5}1\/1 {5}```\n````$/);
    expect(suggestionsMarkdown(fixable, source)).to.match(/^# Suggested changes[\s\S]*## lessons\/jobs\.md, lines 6–7\n\n\*\*lesson-verify:\*\*/);
    expect(reviewComments({ ...fixable, exercises: [{ ...fixable.exercises[0]!, findings: [human, stale] }] }, source)).to.equal(undefined);
  });

  it('SARIF: fixes on the results that have one, valid against the 2.1.0 schema, and they apply to the file', () => {
    const log = JSON.parse(sarifReport(fixable, { source })) as Log;
    const validate = validator();
    expect(validate(log), JSON.stringify(validate.errors, null, 2)).to.equal(true);
    const results = log.runs[0]!.results!;
    expect(results.map((r) => [r.locations?.[0]?.physicalLocation?.region?.startLine, r.fixes?.length ?? 0])).to.deep.equal([[1, 0], [3, 1], [6, 1], [11, 1], [12, 0], [12, 1]]);
    // Applying every distinct replacement, bottom up, gives what --fix writes.
    const replacements = [...new Map(results.flatMap((r) => r.fixes ?? []).flatMap((f) => f.artifactChanges[0]!.replacements).map((r) => [JSON.stringify(r), r])).values()];
    const fileLines = source.split('\n');
    for (const r of replacements.sort((a, b) => (b.deletedRegion.startLine ?? 0) - (a.deletedRegion.startLine ?? 0))) {
      const { startLine = 1, endLine = startLine } = r.deletedRegion;
      expect(r.deletedRegion.startColumn).to.equal(1);
      expect(r.deletedRegion.endColumn).to.equal(1);
      fileLines.splice(startLine - 1, endLine - startLine, ...(r.insertedContent?.text ?? '').split('\n').slice(0, -1));
    }
    expect(fileLines.join('\n')).to.equal(fixLesson(source, allFindings(fixable).filter((f) => f !== stale), { from: 'a', to: 'b' }).text);
    // Without the lesson's text, no fixes (as before).
    expect((JSON.parse(sarifReport(fixable)) as Log).runs[0]!.results!.some((r) => r.fixes)).to.equal(false);
  });

  it('the schema check of fixes can fail: a replacement without its deleted region', () => {
    const log = JSON.parse(sarifReport(fixable, { source })) as { runs: { results: { fixes?: { artifactChanges: { replacements: Record<string, unknown>[] }[] }[] }[] }[] };
    delete log.runs[0]!.results[1]!.fixes![0]!.artifactChanges[0]!.replacements[0]!.deletedRegion;
    const validate = validator();
    expect(validate(log)).to.equal(false);
    expect(JSON.stringify(validate.errors)).to.match(/deletedRegion/);
  });
});
