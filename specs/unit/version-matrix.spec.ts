// The version matrix: cells per lesson × version, findings grouped by the versions that saw them,
// a form of the output that holds on every version, the "holds on" badge, and its writers.
import { expect } from 'chai';
import { compareKubernetesVersions } from '../../src/config/kubernetes-versions.ts';
import type { Finding } from '../../src/findings/finding.ts';
import type { CourseReport } from '../../src/course/verify-course.ts';
import { holdsOn, outputHoldingBoth, versionMatrix, type VersionCourse } from '../../src/matrix/version-matrix.ts';
import { matrixExitCode, matrixHtml, matrixJson, matrixJunit, matrixMarkdown, matrixTerminal } from '../../src/matrix/matrix-report.ts';

const finding = (line: number, clusterDid: string, over: Partial<Finding> = {}): Finding => ({
  severity: 'error', file: 'jobs.md', line, exercise: 'Run a Job', title: 'output differs', lessonSays: 'job.batch "pi" deleted', clusterDid, suggestion: 'replace it', ...over,
});
const course = (version: string, findings: Finding[], lesson = 'jobs.md'): VersionCourse => ({
  version,
  course: {
    startedAt: 0, durationMs: 60_000, cluster: { provider: 'local', version },
    results: [{ lesson, report: { lesson, startedAt: 0, durationMs: 60_000, cluster: { provider: 'local', version }, exercises: [{ title: 'Run a Job', line: 3, durationMs: 60_000, commands: [], pods: [], findings }] } }],
  } satisfies CourseReport,
});

describe('version matrix', () => {
  const runs = [
    course('v1.37.2', [finding(40, 'job.batch "pi" deleted from default namespace'), finding(9, 'wrong everywhere')]),
    course('v1.35.4', [finding(9, 'wrong everywhere')]),
    course('v1.36.3', [finding(40, 'job.batch "pi" deleted from default namespace'), finding(9, 'wrong everywhere')]),
  ];
  const matrix = versionMatrix(runs);

  it('orders versions numerically and makes one cell per lesson and version', () => {
    expect(matrix.versions).to.deep.equal(['v1.35.4', 'v1.36.3', 'v1.37.2']);
    expect(['v1.100.0', 'v1.9.1', 'v1.35.4'].sort(compareKubernetesVersions)).to.deep.equal(['v1.9.1', 'v1.35.4', 'v1.100.0']);
    expect(matrix.lessons[0]?.cells.map((c) => [c.version, c.result, c.errors])).to.deep.equal([['v1.35.4', 'fail', 1], ['v1.36.3', 'fail', 2], ['v1.37.2', 'fail', 2]]);
  });

  it('says on which versions a finding was seen', () => {
    const [wrong, deleted] = matrix.lessons[0]?.findings ?? [];
    expect(wrong?.everywhere).to.equal(true);
    expect(wrong?.holdsOnAll).to.equal(undefined);
    expect(deleted?.everywhere).to.equal(false);
    expect(deleted?.versions).to.deep.equal(['v1.36.3', 'v1.37.2']);
  });

  it('suggests the lesson output that holds on every version where they disagree', () => {
    expect(matrix.lessons[0]?.findings[1]?.holdsOnAll).to.equal('job.batch "pi" deleted...');
  });

  it('a finding on every version with different outputs is not "on every version" alike', () => {
    const m = versionMatrix([course('v1.35.4', [finding(9, 'NAME STATUS')]), course('v1.36.3', [finding(9, 'NAME READY')])]);
    expect(m.lessons[0]?.findings[0]?.everywhere).to.equal(false);
    expect(m.lessons[0]?.findings[0]?.seenOnAll).to.equal(true);
    expect(matrixTerminal(m)).to.contain('(on every version, not alike)').and.contain('holds on every version: NAME ...');
  });

  it('outputHoldingBoth keeps shared lines, wildcards one changed line, and elides a changed hunk', () => {
    expect(outputHoldingBoth('a\nNAME   STATUS    AGE\nz', 'a\nNAME   READY    AGE\nz')).to.equal('a\nNAME   ...    AGE\nz');
    expect(outputHoldingBoth('a\nb\nc\nz', 'a\nx\nz')).to.equal('a\n...\nz');
    expect(outputHoldingBoth('same', 'same')).to.equal('same');
    expect(outputHoldingBoth('abc', 'xyz')).to.equal('...');
  });

  it('the badge names a range of neighbouring versions, a list otherwise', () => {
    const tested = ['v1.35.4', 'v1.36.3', 'v1.37.2'];
    expect(holdsOn(tested, ['v1.36.3', 'v1.37.2'])).to.equal('holds on 1.36–1.37');
    expect(holdsOn(tested, ['v1.35.4', 'v1.37.2'])).to.equal('holds on 1.35, 1.37');
    expect(holdsOn(tested, tested)).to.equal('holds on 1.35–1.37');
    expect(holdsOn(tested, [])).to.equal('holds on none of 1.35–1.37');
    expect(holdsOn(['v1.37.2'], ['v1.37.2'])).to.equal('holds on 1.37');
    const passing = versionMatrix([course('v1.35.4', [finding(40, 'x')]), course('v1.36.3', []), course('v1.37.2', [])]);
    expect(passing.lessons[0]?.holdsOn).to.equal('holds on 1.36–1.37');
    expect(matrixExitCode(passing)).to.equal(1);
    expect(matrixExitCode(versionMatrix([course('v1.36.3', [])]))).to.equal(0);
  });

  it('writes the terminal table, Markdown and HTML with the groups and the form for all versions', () => {
    expect(matrixTerminal(matrix)).to.match(/jobs\.md\s+✗ 1E 0W 60s\s+✗ 2E/).and.match(/jobs\.md:40 error output differs \(only on 1\.36, 1\.37\)/)
      .and.match(/holds on every version: job\.batch "pi" deleted\.\.\./);
    const md = matrixMarkdown(matrix);
    expect(md).to.match(/\| lesson \| 1\.35 \| 1\.36 \| 1\.37 \| holds on \|/).and.match(/### on every version[\s\S]*### only on 1\.36, 1\.37/);
    expect(matrixHtml(matrix, { 'v1.35.4': { 'jobs.md': 'v1.35.4/index.html' } })).to.match(/<a href="v1\.35\.4\/index\.html">/).and.match(/<span class="badge">holds on none of 1\.35–1\.37<\/span>/);
  });

  it('JUnit has one testsuite per version and JSON the findings with their versions', () => {
    const xml = matrixJunit(runs);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) => [m[1], m[3]]);
    expect(suites).to.deep.equal([['kubernetes v1.37.2', '1'], ['kubernetes v1.35.4', '1'], ['kubernetes v1.36.3', '1']]);
    expect(xml.match(/<testcase /g)?.length).to.equal(3);
    expect(xml).to.contain('classname="v1.35.4.jobs.md"').and.contain('jobs.md:9: output differs');
    const json = JSON.parse(matrixJson(matrix)) as { exitCode: number; lessons: { findings: { versions: string[]; everywhere: boolean }[] }[] };
    expect(json.exitCode).to.equal(1);
    expect(json.lessons[0]?.findings.map((f) => f.everywhere)).to.deep.equal([true, false]);
  });
});

describe('kubectl skew', () => {
  it('accepts a kubectl one minor older or newer than the cluster, and refuses more', async () => {
    const { checkKubectlSkew } = await import('../../src/cluster-providers/kubectl-skew.ts');
    expect(() => checkKubectlSkew('v1.37.2', 'v1.36.3')).not.to.throw();
    expect(() => checkKubectlSkew('v1.36.3', 'v1.37.2')).not.to.throw();
    expect(() => checkKubectlSkew('v1.37.2', 'v1.35.4')).to.throw(TypeError, /within one minor version of the cluster's v1\.37\.2.*got v1\.35\.4/);
  });
  it('a cluster seen through withKubectl keeps its methods and changes only the kubectl', async () => {
    const { withKubectl } = await import('../../src/cluster-providers/kubectl-skew.ts');
    class Fake {
      readonly provider = 'local';
      readonly kubectlDir = '/own';
      #stopped = false;
      stop(): Promise<void> { this.#stopped = true; return Promise.resolve(); }
      get stopped(): boolean { return this.#stopped; }
    }
    const fake = new Fake();
    const seen = withKubectl(fake as never, '/other') as unknown as Fake;
    expect(seen.kubectlDir).to.equal('/other');
    expect(seen.provider).to.equal('local');
    await seen.stop();
    expect(fake.stopped).to.equal(true);
  });
});
