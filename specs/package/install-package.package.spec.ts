// Used from a course's own repository: `npm pack` the project, `npm install` the tarball into a
// temporary course folder with two lessons of its own (a copy of the namespaces lesson and a tiny
// pod lesson), then `npx lesson-verify lessons/` there, as a course's CI would run it: set-up
// progress lines, its own reports in ./reports/verify, exit code 0. Then one lesson is broken and
// the run exits 1 with the broken line reported. The folder is removed afterwards. The times of
// pack, install and each run are printed (figures, not asserts).
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { execa, type Result } from 'execa';
import { loadKubernetesVersionPins } from '../../src/config/kubernetes-versions.ts';
import { projectRoot } from '../../src/config/project-root.ts';

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

describe('the packed package in a course repository', function () {
  // Pack and install (~1 min: the package's dependencies, Node 22 among them), two runs with a cluster start each.
  this.timeout(900_000);
  let dir: string;
  let course: string;
  const figures: string[] = [];

  /** `npx lesson-verify …` in the course folder, on the local provider unless the environment names another. */
  const lessonVerify = async (...args: string[]): Promise<Result> => {
    const started = performance.now();
    const run = await execa('npx', ['--no-install', 'lesson-verify', ...args], {
      cwd: course, all: true, reject: false,
      env: { LESSON_HARNESS_PROVIDER: process.env.LESSON_HARNESS_PROVIDER ?? 'local' },
    });
    figures.push(`npx lesson-verify ${args.join(' ')}: ${seconds(started)} (exit ${run.exitCode})`);
    return run;
  };

  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'lesson-harness-package-'));
    course = path.join(dir, 'course');
    let started = performance.now();
    const pack = await execa('npm', ['pack', '--pack-destination', dir], { cwd: projectRoot });
    const tarball = path.join(dir, String(pack.stdout).trim().split('\n').pop() ?? '');
    figures.push(`npm pack: ${seconds(started)} (${((await stat(tarball)).size / 1024).toFixed(0)} KiB)`);
    await mkdir(path.join(course, 'lessons'), { recursive: true });
    await writeFile(path.join(course, 'package.json'), `${JSON.stringify({ name: 'a-course', private: true }, null, 2)}\n`);
    started = performance.now();
    await execa('npm', ['install', '--no-audit', '--no-fund', tarball], { cwd: course });
    figures.push(`npm install <tarball>: ${seconds(started)}`);
    await copyFile(path.join(projectRoot, 'lessons', 'namespaces-and-pods.md'), path.join(course, 'lessons', 'namespaces-and-pods.md'));
    await copyFile(path.join(projectRoot, 'specs', 'fixtures', 'course', 'hello-pod.md'), path.join(course, 'lessons', 'hello-pod.md'));
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    if (figures.length) console.log(`\n    ${figures.join('\n    ')}`);
  });

  it('installs the bin, and the package holds the setup and the Go wrapper modules the builds need', async () => {
    const installed = path.join(course, 'node_modules', 'lesson-harness');
    // The default version's module files (scripts/kubernetes/v1.<minor>.mod/.sum) and the pins that name it.
    const minor = /^v1\.(\d+)\./.exec(loadKubernetesVersionPins().default)?.[1] ?? '';
    for (const file of ['scripts/setup.sh', 'scripts/go-build-lib.sh', 'scripts/build-kubernetes.sh', 'scripts/build-containerd.sh', 'scripts/kubernetes/go.mod', 'scripts/kubernetes/main.go',
      `scripts/kubernetes/v1.${minor}.mod`, `scripts/kubernetes/v1.${minor}.sum`, 'config/kubernetes-versions.json', 'scripts/coredns/main.go', 'scripts/pause/pause.c', 'config/images.yaml', 'src/cli/verify.ts']) {
      expect(await stat(path.join(installed, file)).then(() => true, () => false), file).to.equal(true);
    }
    // Neither the specs nor the lessons of this project ship: a course brings its own.
    expect(await readdir(installed)).to.not.include.members(['specs', 'lessons', 'manifests']);
    expect(await stat(path.join(course, 'node_modules', '.bin', 'lesson-verify')).then(() => true, () => false)).to.equal(true);
  });

  it('`npx lesson-verify lessons/` verifies the course\'s lessons there: set-up lines, its own reports, exit code 0', async () => {
    const run = await lessonVerify('lessons/');
    expect(run.exitCode, String(run.all).slice(-3000)).to.equal(0);
    // Set-up on first use, one line per step.
    expect(run.all).to.match(/^setup: Debian packages \(verify, \d+\) … (ok|installed)/m);
    expect(run.all).to.match(/^setup: Kubernetes v1\.\d+\.\d+ … (cached|ok)/m);
    const index = JSON.parse(await readFile(path.join(course, 'reports', 'verify', 'course.json'), 'utf8')) as { exitCode: number; lessons: { lesson: string; result: string; link: string }[] };
    expect(index.exitCode).to.equal(0);
    expect(index.lessons.map((l) => [l.lesson, l.result])).to.deep.equal([['lessons/hello-pod.md', 'pass'], ['lessons/namespaces-and-pods.md', 'pass']]);
    for (const l of index.lessons) expect(await stat(path.join(course, 'reports', 'verify', l.link)).then((s) => s.size > 0, () => false), l.link).to.equal(true);
    expect(await readFile(path.join(course, 'reports', 'verify', 'index.html'), 'utf8')).to.include('2/2 lessons pass');
    // Nothing was written into the installed package.
    expect(await stat(path.join(course, 'node_modules', 'lesson-harness', 'reports')).then(() => true, () => false)).to.equal(false);
  });

  it('a broken lesson makes it exit 1, with the broken line in its report', async () => {
    const lesson = path.join(course, 'lessons', 'hello-pod.md');
    const text = await readFile(lesson, 'utf8');
    const broken = text.replace('hello from the course\n```', 'hello from another course\n```');
    expect(broken).to.not.equal(text);
    await writeFile(lesson, broken);
    const line = broken.split('\n').indexOf('hello from another course') + 1;
    const run = await lessonVerify('lessons/hello-pod.md');
    expect(run.exitCode, String(run.all).slice(-3000)).to.equal(1);
    const report = JSON.parse(await readFile(path.join(course, 'reports', 'verify', 'hello-pod.json'), 'utf8')) as { exercises: { findings: { severity: string; line: number }[] }[] };
    const errors = report.exercises.flatMap((e) => e.findings).filter((f) => f.severity === 'error');
    expect(errors.map((f) => f.line)).to.include(line);
  });
});
