// npm run test:mutants — proves the lesson specs can fail. Each mutant is a deliberately broken
// copy of one manifest; the matching spec must fail against it, with a message that says what
// differs. One local cluster serves every mutant (through the kubeconfig provider).
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { LocalClusterProvider } from '../src/cluster-providers/local/local-cluster-provider.ts';
import { projectRoot } from '../src/config/project-root.ts';

interface Mutant {
  exercise: string;
  change: string;
  from: string | RegExp;
  to: string;
}

const mutants: Mutant[] = [
  { exercise: 'job-2', change: 'completions 5 → 3', from: 'completions: 5', to: 'completions: 3' },
  { exercise: 'job-3', change: 'parallelism 5 → 1', from: 'parallelism: 5', to: 'parallelism: 1' },
  { exercise: 'job-4', change: 'exit 1 → exit 0', from: 'exit 1', to: 'exit 0' },
  { exercise: 'job-4', change: 'activeDeadlineSeconds 20 → 200', from: 'activeDeadlineSeconds: 20', to: 'activeDeadlineSeconds: 200' },
  { exercise: 'countdown', change: 'prints 10..1 instead of 9..1', from: 'for i in 9 8', to: 'for i in 10 9 8' },
  { exercise: 'job-4', change: 'restartPolicy OnFailure → Never', from: 'restartPolicy: OnFailure', to: 'restartPolicy: Never' },
  { exercise: 'job-2', change: 'parallelism 1 → 2 (pods no longer one after another)', from: 'completions: 5', to: 'completions: 5\n  parallelism: 2' },
];

// A mutant whose Job never ends (deadline 200 s) is killed by the exercise timeout: keep it short.
const exerciseTimeoutMs = 75_000;
const concurrency = 3;

async function runMutant(m: Mutant, kubeconfig: string): Promise<{ killed: boolean; message: string; seconds: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lesson-mutant-'));
  const started = Date.now();
  try {
    await cp(path.join(projectRoot, 'manifests'), dir, { recursive: true });
    const file = path.join(dir, `${m.exercise}.yaml`);
    const original = await readFile(file, 'utf8');
    const mutated = original.replace(m.from, m.to);
    if (mutated === original) throw new Error(`mutant "${m.change}" does not apply to manifests/${m.exercise}.yaml any more: update scripts/mutants.ts`);
    await writeFile(file, mutated);
    const result = await execa('npx', ['mocha', '--config', '.mocharc.e2e.cjs', '--reporter', 'spec'], {
      cwd: projectRoot, reject: false, all: true,
      env: {
        LESSON_HARNESS_KUBECONFIG: kubeconfig, LESSON_HARNESS_MANIFESTS_DIR: dir,
        LESSON_HARNESS_SPECS: `specs/e2e/${m.exercise}.e2e.spec.ts`, LESSON_HARNESS_EXERCISE_TIMEOUT_MS: String(exerciseTimeoutMs),
      },
    });
    const lines = String(result.all ?? '').split('\n');
    const failing = lines.find((l) => /^\s+\d+ failing/.test(l))?.trim() ?? 'no failing test';
    const firstError = lines.find((l) => /(AssertionError|HarnessError|Error):/.test(l))?.trim() ?? '';
    return { killed: result.exitCode !== 0, message: `${failing}; first: ${firstError.slice(0, 220)}`, seconds: (Date.now() - started) / 1000 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const cluster = await new LocalClusterProvider().start();
let killed = 0;
try {
  const queue = [...mutants.entries()];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [i, m] = next;
      process.stderr.write(`mutant ${i + 1}/${mutants.length} running: ${m.exercise} — ${m.change}\n`);
      const r = await runMutant(m, cluster.kubeconfigPath);
      if (r.killed) killed++;
      process.stdout.write(`${r.killed ? 'KILLED  ' : 'SURVIVED'} ${m.exercise.padEnd(9)} ${m.change.padEnd(52)} ${r.seconds.toFixed(0).padStart(3)} s  ${r.message}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
} finally {
  await cluster.stop();
}
process.stdout.write(`\nmutants killed: ${killed}/${mutants.length}\n`);
process.exit(killed === mutants.length ? 0 : 1);
