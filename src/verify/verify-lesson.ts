// Verifies a lesson as a student would follow it: files created under the lesson's own names in
// an empty scratch directory, each command run in order against the cluster (kubectl first on
// PATH), its output compared with the one the lesson documents, and the lesson's <!-- expect: -->
// claims checked once the exercise has settled. Everything becomes findings for the author.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { defaults } from '../config/defaults.ts';
import { HarnessError } from '../errors/harness-error.ts';
import type { Finding } from '../findings/finding.ts';
import { evaluateExpectation } from '../lesson/annotations.ts';
import { compareOutput } from '../lesson/compare-output.ts';
import { fileNameFindings, parseLesson, type CommandStep, type Exercise, type Lesson } from '../lesson/parse-lesson.ts';
import { createNamespace, deleteNamespace } from '../kube/namespace.ts';
import { createLessonCredentials } from '../sandbox/lesson-credentials.ts';
import { createSandbox } from '../sandbox/sandbox.ts';
import type { CommandReport, ExerciseReport, ExpectationReport, VerificationReport } from '../report/verification-report.ts';
import { TimelineRecorder } from '../timeline/recorder.ts';
import type { Timeline } from '../timeline/timeline.ts';
import { exerciseFacts, reportPods } from './lesson-facts.ts';

export interface VerifyOptions {
  lessonPath: string;
  cluster: StartedCluster;
  log?: (line: string) => void;
  exerciseTimeoutMs?: number;
  commandTimeoutMs?: number;
}

/** Commands that never end by themselves; they are stopped when their exercise has settled. */
const endless = /(\s--watch\b|\s-w(\s|$)|\blogs\b.*\s(-f|--follow)\b)/;
/** Commands that only look: safe to run again (see runCommand). */
const readOnly = /^kubectl\s+(get|describe|logs|top)\b/;
/** Pod states that will not change without a fix: the exercise is over for the harness. */
const stuckStates = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError']);

export async function loadLesson(lessonPath: string): Promise<Lesson> {
  const source = await readFile(lessonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new HarnessError(`lesson file ${lessonPath} cannot be read (${error.code ?? error.message})`, { fix: 'give the path of a Markdown lesson, e.g. lessons/kubernetes-jobs.md' });
  });
  return parseLesson(source, lessonPath);
}

/** Job names a set of manifests creates. */
function jobNames(contents: string[]): string[] {
  return contents.flatMap((c) => YAML.parseAllDocuments(c).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string } } | null))
    .filter((o) => o?.kind === 'Job' && o.metadata?.name).map((o) => o?.metadata?.name ?? '');
}

function settled(timeline: Timeline, jobs: string[]): { done: boolean; stuck: string[] } {
  const lives = timeline.lifetimes();
  const stuck = lives.filter((p) => p.deletedAt === undefined && stuckStates.has(p.statuses.at(-1) ?? '')).map((p) => `${p.name}: ${p.statuses.at(-1)}`);
  if (stuck.length) return { done: true, stuck };
  // A Job is done when it reached a terminal condition, or when the lesson deleted it.
  const jobsDone = jobs.every((name) => {
    const last = timeline.forJob(name).lastJob();
    return last?.type === 'DELETED' || last?.conditions.some((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  });
  const podsDone = lives.every((p) => p.deletedAt !== undefined || (p.finishedAt !== undefined && !p.deleting));
  return { done: jobsDone && podsDone, stuck };
}

export async function verifyLesson(options: VerifyOptions): Promise<VerificationReport> {
  const log = options.log ?? (() => undefined);
  const exerciseTimeoutMs = options.exerciseTimeoutMs ?? defaults.timeouts.exerciseMs;
  const commandTimeoutMs = options.commandTimeoutMs ?? defaults.timeouts.commandMs;
  const lesson = await loadLesson(options.lessonPath);
  const file = options.lessonPath;
  const { cluster } = options;
  const startedAt = Date.now();

  const scratch = await mkdtemp(path.join(os.tmpdir(), 'lesson-'));
  const namespace = await createNamespace(cluster.kubeConfig, 'lh-lesson');
  // The student's kubeconfig: a least-privilege identity with our namespace as the current one;
  // the harness keeps its admin KubeConfig for watching and cleanup. Commands run in a sandbox.
  const credentials = await createLessonCredentials(cluster.kubeConfig, { namespace, kubeconfigPath: path.join(scratch, '.kubeconfig'), log });
  const sandbox = await createSandbox({ scratch, kubectlDir: cluster.kubectlDir, kubeconfig: credentials.kubeconfigPath, apiServer: credentials.apiServer, limits: { timeoutMs: commandTimeoutMs } })
    .catch(async (error: unknown) => {
      await credentials.revoke();
      await deleteNamespace(cluster.kubeConfig, namespace);
      await rm(scratch, { recursive: true, force: true });
      throw error;
    });
  const recorder = new TimelineRecorder(cluster.kubeConfig, namespace);
  await recorder.start();
  const staticFindings = fileNameFindings(lesson);
  const exercises: ExerciseReport[] = [];
  try {
    for (const exercise of lesson.exercises) {
      exercises.push(await runExercise(exercise));
    }
  } finally {
    await recorder.stop();
    await sandbox.dispose();
    await credentials.revoke();
    await deleteNamespace(cluster.kubeConfig, namespace);
    await rm(scratch, { recursive: true, force: true });
  }
  return { lesson: file, startedAt, durationMs: Date.now() - startedAt, cluster: { provider: cluster.provider, version: cluster.version }, exercises };

  async function runExercise(exercise: Exercise): Promise<ExerciseReport> {
    const began = Date.now();
    const findings: Finding[] = staticFindings.filter((f) => f.exercise === exercise.title);
    const commands: CommandReport[] = [];
    const files = exercise.steps.flatMap((s) => (s.kind === 'file' ? [s] : []));
    const jobs = jobNames(files.map((f) => f.content));
    const finding = (severity: Finding['severity'], line: number, title: string, lessonSays: string, clusterDid: string, suggestion: string): void => {
      findings.push({ severity, file, line, exercise: exercise.title, title, lessonSays, clusterDid, suggestion });
    };
    const untilSettled = async (what: string): Promise<void> => {
      await recorder.waitUntil(what, (t) => settled(t, jobs).done, exerciseTimeoutMs).catch((error: Error) => {
        finding('error', exercise.line, 'exercise did not settle', `the exercise's Jobs (${jobs.join(', ') || 'none'}) finish`, error.message.split('\nTimeline:')[0] ?? error.message,
          'check the manifest: a Job that never ends keeps students waiting too');
      });
    };
    log(`\n▶ ${exercise.title} (line ${exercise.line})`);

    for (const step of exercise.steps) {
      if (step.kind === 'file') {
        // Refused names were caught at parse time; here a symlink an earlier command made.
        const refused = await sandbox.writeFile(step.fileName, step.content).then(() => undefined, (error: HarnessError) => error);
        if (refused) finding('error', step.nameLine ?? step.line, 'file not written', `create ${step.fileName}`, refused.message.split('\n')[0] ?? '', refused.fix ?? '');
        else log(`  ✎ ${step.fileName} (line ${step.line})`);
      } else if (step.kind === 'command') {
        commands.push(await runCommand(step, exercise, finding, jobs, untilSettled));
      }
    }
    await untilSettled(`exercise "${exercise.title}" to settle`);
    for (const stuck of settled(recorder.timeline, jobs).stuck) {
      finding('error', files[0]?.line ?? exercise.line, 'pod cannot start', 'the pods run', stuck, 'check the image name and the pod spec of the manifest');
    }

    const expectations: ExpectationReport[] = [];
    const jobTimeline = recorder.timeline.forJob(jobs.at(-1) ?? '');
    const facts = exerciseFacts(jobTimeline);
    for (const step of exercise.steps) {
      if (step.kind !== 'annotation') continue;
      for (const expectation of step.expectations) {
        const result = evaluateExpectation(expectation, facts);
        expectations.push({ expression: step.expression.trim(), line: step.line, ok: result.ok, message: result.message });
        if (!result.ok) finding('error', step.line, `claim not true: ${expectation.subject}`, `${expectation.subject} ${String(result.expected)}`, `${expectation.subject} is ${String(result.actual)}`, 'correct the prose this annotation marks (and the annotation with it)');
      }
    }
    return {
      title: exercise.title, line: exercise.line, durationMs: Date.now() - began, findings, commands, expectations,
      pods: jobs.flatMap((j) => reportPods(recorder.timeline.forJob(j), recorder.startedAt)),
    };
  }

  async function runCommand(step: CommandStep, exercise: Exercise, finding: (s: Finding['severity'], line: number, title: string, says: string, did: string, fix: string) => void,
    jobs: string[], untilSettled: (what: string) => Promise<void>): Promise<CommandReport> {
    const command = substitutePodNames(step, finding);
    log(`  $ ${command}`);
    const began = Date.now();
    let result = await run(command, untilSettled);
    // A student whose file has another name than the command expects would rename it and go on;
    // do the same so the rest of the exercise is still verified (the name clash is its own finding).
    const missing = /the path "([^"]+)" does not exist/.exec(result.output);
    const source = exercise.steps.filter((s) => s.kind === 'file' && s.line < step.line).at(-1);
    if (result.exitCode !== 0 && missing?.[1] && source?.kind === 'file' && path.basename(missing[1]) === missing[1]) {
      const attempt = result.output.trim();
      await sandbox.writeFile(missing[1], source.content);
      finding('info', step.line, 'continued with the file renamed', `kubectl reads ${missing[1]}`, `${attempt}; the harness saved the manifest of line ${source.line} as ${missing[1]} and ran the command again`, `name the file ${missing[1]} where the lesson creates it (line ${source.nameLine ?? source.line})`);
      if (!staticFindings.some((f) => f.line === step.line)) {
        finding('error', step.line, 'command failed', step.outputs[0]?.text ?? 'the command succeeds', attempt, `create ${missing[1]} before this command, or apply ${source.fileName}`);
      }
      result = await run(command, untilSettled);
    }
    // A student reads state some time after changing it; the documented output shows that later
    // state. So a read-only command whose output does not match yet (or that fails, like logs of
    // a container still being created) is run again once the exercise has settled — the
    // harness's answer to "wait a bit and look again", as istio's doc tests retry.
    // Our namespace stands where the student's `default` would.
    const compare = (raw: string) => compareOutput(step.outputs, raw.replaceAll(namespace, 'default'), { file, exercise: exercise.title, command: step.command });
    let comparison = step.outputs.length > 0 && result.exitCode === 0 ? compare(result.output) : undefined;
    if (readOnly.test(command) && !settled(recorder.timeline, jobs).done
      && (result.exitCode !== 0 || comparison?.findings.some((f) => f.severity === 'error'))) {
      log('    (not there yet: looking again once the exercise has settled)');
      await untilSettled(`exercise "${exercise.title}" to settle before running \`${command}\` again`);
      result = await run(command, untilSettled);
      comparison = step.outputs.length > 0 && result.exitCode === 0 ? compare(result.output) : undefined;
    }
    const output = result.output.replaceAll(namespace, 'default');
    if (result.truncated) {
      finding('warning', step.line, 'output truncated', 'the command prints a readable amount', `more than ${defaults.sandbox.outputBytes} bytes of output; the rest was discarded`, 'print less (e.g. | head) — a student cannot read it either');
    }
    if (result.timedOut) {
      finding('error', step.line, 'command did not finish', 'the command ends', `still running after ${commandTimeoutMs / 1000} s; stopped`, 'end the command (drop -f/--watch) or say in the lesson that the student stops it with Ctrl-C');
    } else if (result.exitCode !== 0 && !result.stopped) {
      finding('error', step.line, 'command failed', step.outputs[0]?.text ?? 'the command succeeds', output.trim() || `exit code ${result.exitCode}`, 'fix the command or the file it uses; a student gets the same error');
    } else if (step.outputs.length) {
      findings((comparison ?? compare(result.output)).findings);
    }
    return { command, line: step.line, exitCode: result.exitCode, output, durationMs: Date.now() - began };

    function findings(list: Finding[]): void {
      for (const f of list) finding(f.severity, f.line, f.title, f.lessonSays, f.clusterDid, f.suggestion);
    }
  }

  async function run(command: string, untilSettled: (what: string) => Promise<void>): Promise<{ exitCode: number; output: string; timedOut: boolean; stopped: boolean; truncated: boolean }> {
    if (endless.test(command)) {
      // Runs until the exercise has settled (plus a moment for the last events to print).
      const stop = new AbortController();
      const child = sandbox.run(command, { signal: stop.signal, timeoutMs: exerciseTimeoutMs + 10_000 });
      let exited = false;
      const ended = child.then(() => { exited = true; });
      // Long waits show where the exercise is, every 5 s.
      const started = Date.now();
      const progress = setInterval(() => {
        const jobsNow = [...new Set(recorder.timeline.jobs.map((j) => j.name))]
          .map((name) => recorder.timeline.forJob(name).lastJob())
          .filter((j) => j !== undefined && j.type !== 'DELETED')
          .map((j) => `${j?.name} active ${j?.active ?? 0}, succeeded ${j?.succeeded ?? 0}, failed ${j?.failed ?? 0}`);
        log(`    … +${Math.round((Date.now() - started) / 1000)}s waiting for the exercise to settle: ${jobsNow.join('; ') || 'no Job yet'}`);
      }, 5_000);
      void ended.finally(() => clearInterval(progress));
      await Promise.race([ended, (async () => {
        await new Promise((r) => setTimeout(r, 2_000));
        await untilSettled(`the exercise to settle while \`${command}\` runs`);
        await new Promise((r) => setTimeout(r, 1_500));
      })()]);
      const stopped = !exited;
      clearInterval(progress);
      stop.abort();
      const result = await child;
      return { ...result, timedOut: false, stopped: stopped || result.stopped };
    }
    return { ...(await sandbox.run(command, { timeoutMs: commandTimeoutMs })), stopped: false };
  }

  /** The lesson's pod names carry random suffixes of the author's run: use this run's pod instead. */
  function substitutePodNames(step: CommandStep, finding: (s: Finding['severity'], line: number, title: string, says: string, did: string, fix: string) => void): string {
    return step.command.replace(/\b([a-z0-9]+(?:-[a-z0-9]+)*)-([a-z0-9]{5})\b/g, (token, job: string) => {
      const pods = recorder.timeline.forJob(job).lifetimes();
      if (!pods.length || pods.some((p) => p.name === token)) return token;
      const actual = pods.at(-1)?.name ?? token;
      finding('info', step.line, 'pod name substituted', token, `this run's pod is ${actual}`, `say "the pod name from kubectl get pods" or use kubectl logs job/${job}`);
      return actual;
    });
  }
}
