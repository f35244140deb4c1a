// Root hooks of the end-to-end specs: one cluster per run (from the provider resolver), every
// registered exercise started at once as soon as it is up — so the suite lasts about as long as
// its slowest exercise — and the cluster stopped at the end, on failure and on Ctrl-C too.
import path from 'node:path';
import * as chai from 'chai';
import type { StartedCluster } from '../../../src/cluster-providers/cluster-provider.ts';
import { resolveProvider } from '../../../src/cluster-providers/resolve-provider.ts';
import { exerciseAssertions } from '../../../src/assertions/exercise-assertions.ts';
import { runExercise, type ExerciseDefinition, type ExerciseResult } from '../../../src/exercise/run-exercise.ts';
import { collectDiagnostics } from '../../../src/kube/diagnostics.ts';
import { deleteNamespace } from '../../../src/kube/namespace.ts';
import { projectRoot } from '../../../src/config/project-root.ts';

chai.use(exerciseAssertions);

/** Manifests come from here; the mutation tests point it at broken copies. */
const manifestsDir = process.env.LESSON_HARNESS_MANIFESTS_DIR ?? path.join(projectRoot, 'manifests');
const diagnosticsDir = path.join(projectRoot, 'reports', 'diagnostics');

interface Registered {
  definition: ExerciseDefinition;
  result: Promise<ExerciseResult>;
  settle: (run: Promise<ExerciseResult>) => void;
}

const registered: Registered[] = [];
let cluster: StartedCluster | undefined;
let stopping: Promise<void> | undefined;
const stopCluster = (): Promise<void> => (stopping ??= cluster?.stop() ?? Promise.resolve());

/**
 * Registers an exercise (call it inside describe()). Its run starts with the cluster; the
 * returned promise gives what it did. A failing test of the exercise gets the namespace's
 * events, logs and describe output written to reports/diagnostics/ and named in its message.
 */
export function exercise(name: string, job = name): { result: Promise<ExerciseResult> } {
  let settle!: (run: Promise<ExerciseResult>) => void;
  const result = new Promise<ExerciseResult>((resolve, reject) => {
    settle = (run) => run.then(resolve, reject);
  });
  result.catch(() => undefined); // reported by the tests that await it
  const entry: Registered = { definition: { name, job, manifest: path.join(manifestsDir, `${name}.yaml`) }, result, settle };
  registered.push(entry);

  let diagnostics: Promise<string> | undefined;
  afterEach(async function () {
    const test = this.currentTest;
    if (test?.state !== 'failed' || !cluster) return;
    this.timeout(60_000);
    const namespace = await result.then((r) => r.namespace, (e: { namespace?: string }) => e.namespace);
    if (!namespace) return;
    const c = cluster;
    diagnostics ??= collectDiagnostics({ kubeConfig: c.kubeConfig, kubeconfigPath: c.kubeconfigPath, kubectlDir: c.kubectlDir, namespace, dir: diagnosticsDir });
    const file = await diagnostics.catch((e: Error) => `(diagnostics failed: ${e.message})`);
    const err = test.err;
    if (err) {
      const before = err.message;
      err.message += `\n\nEvents, pod logs and describe output: ${file}`;
      // The spec reporter prints the stack, which holds a copy of the original message.
      if (err.stack) err.stack = err.stack.replace(before, err.message);
    }
  });
  return { result };
}

/** Work other than exercises, started with them as soon as the cluster is up. */
const background: { work: (cluster: StartedCluster) => Promise<unknown>; settle: (run: Promise<unknown>) => void }[] = [];

/**
 * Starts `work` as soon as the run's cluster is up, beside everything else registered (call it
 * inside describe(); await the result in a hook or test). The verify suites verify many lessons
 * whose time is mostly the lessons' own waiting (sleeps, deadlines, a CronJob's minute): one
 * after another they took 11 minutes. Lessons that name namespaces still run alone
 * (src/verify/lesson-gate.ts).
 */
export function whenClusterUp<T>(work: (cluster: StartedCluster) => Promise<T>): Promise<T> {
  let settle!: (run: Promise<unknown>) => void;
  const result = new Promise<T>((resolve, reject) => {
    settle = (run) => (run as Promise<T>).then(resolve, reject);
  });
  result.catch(() => undefined); // reported by the tests that await it
  // Named by the spec line that registered it: its time is printed when it ends, so a slow suite
  // shows which of its pieces of work made the longest path.
  const where = /\((?:file:\/\/)?([^()]*\.spec\.ts:\d+):\d+\)/.exec(new Error().stack ?? '')?.[1] ?? 'a spec';
  const timed = (cluster: StartedCluster): Promise<T> => {
    const began = performance.now();
    const run = work(cluster);
    run.then(() => 'done', () => 'failed').then((how) => process.stderr.write(`    [whenClusterUp] ${path.relative(projectRoot, where)}: ${how} after ${((performance.now() - began) / 1000).toFixed(1)} s\n`), () => undefined);
    return run;
  };
  background.push({ work: timed, settle });
  return result;
}

/** Resolves once every piece of work registered with whenClusterUp has ended (for checks of what is left behind). */
export async function backgroundSettled(): Promise<void> {
  await Promise.allSettled(started);
}
const started: Promise<unknown>[] = [];

/** The run's cluster, for specs that drive it themselves (lesson verification). */
export function sharedCluster(): StartedCluster {
  if (!cluster) throw new Error('the cluster is not started: load specs/e2e/support/lesson-cluster.ts as a mocha root hook (--require)');
  return cluster;
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    // Generous: a cold local cluster on a busy 2-core machine; the Kubernetes build itself ran before mocha.
    this.timeout(300_000);
    const { provider, reason } = await resolveProvider();
    process.stderr.write(`cluster provider: ${provider.name} — ${reason}\n`);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\n${signal}: stopping the cluster…\n`);
        void stopCluster().finally(() => process.exit(130));
      });
    }
    cluster = await provider.start();
    const c = cluster;
    for (const entry of registered) {
      entry.settle(runExercise(c, entry.definition, { log: (line) => process.stderr.write(`    ${line}\n`) }));
    }
    for (const entry of background) {
      const run = entry.work(c);
      started.push(run);
      entry.settle(run);
    }
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(60_000);
    if (cluster && cluster.provider !== 'local') {
      // An existing cluster outlives us: remove what we made. (A local one is thrown away whole.)
      const c = cluster;
      await Promise.all(registered.map((e) => e.result.then((r) => deleteNamespace(c.kubeConfig, r.namespace), () => undefined)));
    }
    await stopCluster();
  },
};
