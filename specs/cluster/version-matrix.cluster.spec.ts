// The version matrix for real: lesson-verify --kubernetes on two pinned versions starts one local
// cluster per version and reports on which versions a lesson holds; --kubectl runs a lesson's
// commands with another kubectl. Each run is lesson-verify as a child process, on a state directory
// and ports of its own (beside the lesson cluster's and the provider spec's), one cluster at a time.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import { projectRoot } from '../../src/config/project-root.ts';
import { defaults } from '../../src/config/defaults.ts';
import { loadKubernetesVersionPins } from '../../src/config/kubernetes-versions.ts';

const fixtures = path.join(projectRoot, 'specs', 'fixtures', 'versions');
const pins = loadKubernetesVersionPins();
// The default and the supported minor just below it: the matrix's two columns.
const newest = pins.default;
const older = [...pins.supported].reverse().find((v) => v !== newest) ?? pins.supported[0] ?? newest;
const minor = (v: string): string => v.replace(/^v\d+\.(\d+)\..*/, '$1');

async function lessonVerify(args: string[], out: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const run = await execa('npx', ['tsx', path.join(projectRoot, 'src', 'cli', 'verify.ts'), ...args, '--out', out], {
    cwd: projectRoot, reject: false, all: false,
    env: { LESSON_HARNESS_PROVIDER: 'local', LESSON_HARNESS_LOCAL_DIR: `${defaults.localStateDir}-matrix-test`, LESSON_HARNESS_PORT_BASE: String(defaults.portBase + 700), LESSON_HARNESS_SETUP: '0' },
  });
  return { exitCode: run.exitCode ?? -1, stdout: String(run.stdout), stderr: String(run.stderr) };
}

describe('version matrix on real clusters', function () {
  // Two cluster starts (a cold build of a version not built yet adds minutes: see the README) and a tiny lesson each.
  this.timeout(1_800_000);
  let out: string;
  before(async () => {
    out = await mkdtemp(path.join(os.tmpdir(), 'matrix-'));
  });
  after(() => rm(out, { recursive: true, force: true }));

  it(`--kubernetes 1.${minor(older)},1.${minor(newest)}: the lesson written on 1.${minor(newest)} holds there only, and the matrix says so`, async () => {
    // The lesson prints the server's minor: written on the newest version, so the older one differs.
    const lesson = path.join(out, 'server-minor.md');
    await execa('sed', ['-e', `s/^37$/${minor(newest)}/`, path.join(fixtures, 'server-minor.md')], { stdout: { file: lesson } });
    const run = await lessonVerify(['--kubernetes', `1.${minor(older)},1.${minor(newest)}`, lesson], out);
    expect(run.exitCode, run.stderr.slice(-3000)).to.equal(1);
    expect(run.stdout).to.match(new RegExp(`version matrix: 1 lesson\\(s\\) × 2 version\\(s\\)[\\s\\S]*server-minor\\.md\\s+✗ 1E[\\s\\S]*✓ 0E[\\s\\S]*1\\.${minor(newest)}\\n`));
    const matrix = JSON.parse(await readFile(path.join(out, 'matrix.json'), 'utf8')) as {
      versions: string[]; exitCode: number;
      lessons: { holdsOn: string; cells: { version: string; result: string }[]; findings: { line: number; versions: string[]; everywhere: boolean; clusterDid: { text: string }[] }[] }[];
    };
    expect(matrix.versions).to.deep.equal([older, newest]);
    expect(matrix.lessons[0]?.cells.map((c) => [c.version, c.result])).to.deep.equal([[older, 'fail'], [newest, 'pass']]);
    expect(matrix.lessons[0]?.holdsOn).to.equal(`holds on 1.${minor(newest)}`);
    const errors = matrix.lessons[0]?.findings.filter((f) => !f.everywhere) ?? [];
    expect(errors.map((f) => [f.line, f.versions])).to.deep.equal([[13, [older]]]);
    expect(errors[0]?.clusterDid[0]?.text).to.equal(minor(older));
    // Each version's own reports, and JUnit with one suite per version.
    const junit = await readFile(path.join(out, 'matrix.junit.xml'), 'utf8');
    expect([...junit.matchAll(/<testsuite name="kubernetes (v[\d.]+)" tests="1" failures="(\d)"/g)].map((m) => [m[1], m[2]])).to.deep.equal([[older, '1'], [newest, '0']]);
    expect(JSON.parse(await readFile(path.join(out, newest, 'server-minor.json'), 'utf8'))).to.have.nested.property('cluster.version', newest);
  });

  it(`--kubectl 1.${minor(older)}: the lesson's commands use that kubectl against the default cluster`, async () => {
    const lesson = path.join(out, 'client-minor.md');
    await execa('sed', ['-e', `s/^36$/${minor(older)}/`, path.join(fixtures, 'client-minor.md')], { stdout: { file: lesson } });
    const run = await lessonVerify(['--kubectl', `1.${minor(older)}`, lesson], path.join(out, 'kubectl'));
    expect(run.exitCode, `${run.stdout}\n${run.stderr.slice(-2000)}`).to.equal(0);
    expect(run.stderr).to.contain(`lesson commands run kubectl ${older} against the cluster's ${newest}`);
  });
});
