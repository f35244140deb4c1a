// The composite action (action.yml) and the CI workflow, read as data: what a YAML parser and a
// reviewer would catch before GitHub does. actionlint, where it is installed, checks more (README).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';
import YAML from 'yaml';
import { projectRoot } from '../../src/config/project-root.ts';
import { kubernetesMinor, loadKubernetesVersionPins } from '../../src/config/kubernetes-versions.ts';
import { publishedNodeImages } from '../../src/cluster-providers/kind/kind-versions.ts';

interface Step { id?: string; uses?: string; run?: string; shell?: string; if?: string; with?: Record<string, string>; env?: Record<string, string> }
interface Action { inputs: Record<string, { description: string; default?: string }>; outputs: Record<string, { value: string }>; runs: { using: string; steps: Step[] } }
interface Job { needs?: string | string[]; if?: string; env?: Record<string, string | number>; strategy?: { matrix: { shard?: number[]; kubernetes?: unknown[] } }; steps: Step[] }

const read = <T>(file: string): T => YAML.parse(readFileSync(path.join(projectRoot, file), 'utf8')) as T;

/** Problems of a composite action: undeclared or unused inputs, run steps without a shell, inputs spliced into scripts. */
function actionProblems(action: Action): string[] {
  const problems: string[] = [];
  const text = JSON.stringify(action.runs) + JSON.stringify(action.outputs);
  const used = new Set([...text.matchAll(/inputs\.([a-z][a-z0-9-]*)/g)].map((m) => m[1] ?? ''));
  for (const name of used) if (!(name in action.inputs)) problems.push(`input ${name} is used and not declared`);
  for (const name of Object.keys(action.inputs)) if (!used.has(name)) problems.push(`input ${name} is declared and never used`);
  action.runs.steps.forEach((step, i) => {
    if (step.run !== undefined && !step.shell) problems.push(`step ${i + 1} runs a script without a shell (composite actions need one)`);
    if (step.run?.includes('${{')) problems.push(`step ${i + 1} splices an expression into its script (pass it through env)`);
  });
  return problems;
}

describe('the composite action (action.yml)', () => {
  const action = read<Action>('action.yml');
  it('is composite, every input declared and used, every script with a shell and no expression spliced in', () => {
    expect(action.runs.using).to.equal('composite');
    expect(actionProblems(action)).to.deep.equal([]);
  });
  it('the check can fail: an undeclared input, a step without shell, an input in a script', () => {
    const broken: Action = { ...action, runs: { ...action.runs, steps: [...action.runs.steps, { run: 'echo ${{ inputs.lesson }}' }] } };
    expect(actionProblems(broken)).to.deep.equal(['input lesson is used and not declared', `step ${broken.runs.steps.length} runs a script without a shell (composite actions need one)`, `step ${broken.runs.steps.length} splices an expression into its script (pass it through env)`]);
  });
  it('uploads the reports and fails the job as lesson-verify exits, after the summary and upload', () => {
    const steps = action.runs.steps;
    const upload = steps.findIndex((s) => s.uses?.startsWith('actions/upload-artifact@'));
    const exit = steps.findIndex((s) => s.run?.startsWith('exit '));
    expect(upload).to.be.greaterThan(steps.findIndex((s) => s.id === 'verify'));
    expect(exit).to.equal(steps.length - 1);
    expect([steps[upload]?.if, steps[exit]?.if]).to.deep.equal(['always()', 'always()']);
  });
  it('its scripts pass shellcheck', async function () {
    const shellcheck = await execa('shellcheck', ['--version'], { reject: false });
    if (shellcheck.exitCode !== 0) this.skip();
    for (const [i, step] of action.runs.steps.entries()) {
      if (!step.run) continue;
      const result = await execa('shellcheck', ['--shell=bash', '-'], { input: step.run, reject: false });
      expect(result.exitCode, `step ${i + 1}:\n${String(result.stdout)}`).to.equal(0);
    }
  });
});

describe('the CI workflow', () => {
  const jobs = read<{ jobs: Record<string, Job> }>('.github/workflows/ci.yml').jobs;
  it('shards the course over a matrix whose size is the n of --shard i/n', () => {
    const course = jobs.course as Job;
    const verify = course.steps.find((s) => s.run?.includes('--shard'));
    expect(verify?.run).to.match(/npm run verify -- lessons\/ --shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS" --format github/);
    expect(course.strategy?.matrix.shard).to.deep.equal(Array.from({ length: Number(course.env?.SHARDS) }, (_, i) => i + 1));
  });
  it('merges what the shards uploaded, after all of them, even when one failed', () => {
    const upload = (jobs.course as Job).steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with?.name ?? '';
    const merge = jobs['course-report'] as Job;
    expect([merge.needs, merge.if]).to.deep.equal(['course', 'always()']);
    const pattern = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'))?.with?.pattern ?? '';
    expect(upload.replace('${{ matrix.shard }}', '1')).to.match(new RegExp(`^${pattern.replace('*', '.*')}$`));
    expect(merge.steps.some((s) => s.run?.startsWith('npm run merge-reports -- course/shards --out course'))).to.equal(true);
  });

  it('runs the lessons on kind once per supported minor with a published image, each on kind\'s image of that minor', () => {
    const kind = jobs['lessons-on-kind'] as Job;
    // Every supported minor that kind published a pinned image for, as strings ('1.30' as a YAML number would be 1.3).
    const minors = loadKubernetesVersionPins().supported.map((v) => `1.${kubernetesMinor(v)}`).filter((m) => m in publishedNodeImages);
    expect(minors.length).to.be.greaterThan(0);
    expect(kind.strategy?.matrix.kubernetes).to.deep.equal(minors);
    expect(kind.env).to.deep.include({ LESSON_HARNESS_PROVIDER: 'kind', LESSON_HARNESS_KIND_IMAGE: 'published', LESSON_HARNESS_KUBERNETES: '${{ matrix.kubernetes }}' });
    // kubectl of that minor is built, and each job's artifact has a name of its own.
    expect(kind.steps.some((s) => s.run === 'bash scripts/build-kubernetes.sh "$LESSON_HARNESS_KUBERNETES"')).to.equal(true);
    const uploads = kind.steps.filter((s) => s.uses?.startsWith('actions/upload-artifact@')).map((s) => s.with?.name ?? '');
    expect(uploads.length).to.be.greaterThan(0);
    for (const name of uploads) expect(name).to.include('${{ matrix.kubernetes }}');
  });
});
