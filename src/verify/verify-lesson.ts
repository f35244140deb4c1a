// Verifies a lesson as a student would follow it: one terminal (a shell whose variables, functions
// and working directory carry over), files created under the lesson's own names in an empty scratch
// directory, each command run in order against the cluster (kubectl of the cluster's version first
// on PATH), its output compared with the one the lesson documents — looking again, with a bounded
// wait, while the cluster is still getting there — and the lesson's <!-- expect: --> claims checked
// once the exercise has settled. Everything becomes findings for the author.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { execa } from 'execa';
import type { StartedCluster } from '../cluster-providers/cluster-provider.ts';
import { defaults } from '../config/defaults.ts';
import { HarnessError } from '../errors/harness-error.ts';
import type { Finding, LessonEdit } from '../findings/finding.ts';
import { evaluateExpectation } from '../lesson/annotations.ts';
import { standInFor } from '../images/image-reference.ts';
import { loadImagesConfig } from '../images/images-config.ts';
import { evaluateObjectClaim, type ObjectClaim } from '../lesson/object-claims.ts';
import { compareOutput, type OutputComparison } from '../lesson/compare-output.ts';
import { findExamplesFolder } from '../lesson/examples-folder.ts';
import { exampleFindings, fileNameFindings, parseLesson, type CommandStep, type Exercise, type FileStep, type Lesson } from '../lesson/parse-lesson.ts';
import { createNamespace, deleteNamespace, isHarnessNamespace } from '../kube/namespace.ts';
import type { CommandReport, ExerciseReport, ExpectationReport, VerificationReport } from '../report/verification-report.ts';
import { hostExecutor, type CommandExecutor, type CommandResult } from '../shell/command-executor.ts';
import { LessonShell } from '../shell/lesson-shell.ts';
import { createLessonCredentials, type LessonCredentials } from '../sandbox/lesson-credentials.ts';
import { ownedName } from '../process/leftovers.ts';
import { createSandbox } from '../sandbox/sandbox.ts';
import { TimelineRecorder } from '../timeline/recorder.ts';
import { Timeline } from '../timeline/timeline.ts';
import { documentsFailure, isBackground, isEndless, isReadOnly, SERVING } from './command-kinds.ts';
import { exerciseFacts, reportPods } from './lesson-facts.ts';
import { substituteNames, type LiveObject } from './lesson-names.ts';
import { lessonGate } from './lesson-gate.ts';
import { WatchStopRule } from './watch-stop.ts';
import { createsMinuteCronJob, cronStartWaitMs } from './cron-start.ts';
import { waitForEventualOutput } from './eventual-output.ts';

export interface VerifyOptions {
  lessonPath: string;
  cluster: StartedCluster;
  log?: (line: string) => void;
  exerciseTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** How long a command's output may take to become what the lesson shows. */
  eventualTimeoutMs?: number;
  /** The whole lesson, so no lesson keeps a CI job busy for longer. */
  lessonTimeoutMs?: number;
  /**
   * Stops the run (Ctrl-C): the running command is ended, the lesson cleaned up as usual, and the
   * report — of the exercises done so far — says it was interrupted and in which exercise. The
   * cluster's `fault` signal stops the run in the same way, the report then naming the fault.
   */
  signal?: AbortSignal;
  /** A docs site's examples folder (`--examples`); else LESSON_HARNESS_EXAMPLES, else one found above the lesson. */
  examplesDir?: string;
}

type Report = (severity: Finding['severity'], line: number, title: string, lessonSays: string, clusterDid: string, suggestion: string, fix?: LessonEdit[]) => void;


export async function loadLesson(lessonPath: string, options: { examplesDir?: string } = {}): Promise<Lesson> {
  const source = await readFile(lessonPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new HarnessError(`lesson file ${lessonPath} cannot be read (${error.code ?? error.message})`, { fix: 'give the path of a Markdown lesson, e.g. lessons/kubernetes-jobs.md' });
  });
  const explicit = options.examplesDir !== undefined ? { dir: options.examplesDir, origin: '--examples' }
    : defaults.examplesDir !== undefined ? { dir: defaults.examplesDir, origin: 'LESSON_HARNESS_EXAMPLES' } : undefined;
  const examples = findExamplesFolder(lessonPath, explicit);
  return parseLesson(source, lessonPath, examples ? { examples } : {});
}

/** Namespaces a lesson names (`-n shop`, `namespace: shop`, `create namespace shop`): watched from the start. */
export function namespacesNamed(lesson: Lesson): string[] {
  const names = new Set<string>();
  const add = (name: string | undefined): void => {
    if (name && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) && !['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(name)) names.add(name);
  };
  for (const step of lesson.exercises.flatMap((e) => e.steps)) {
    const text = step.kind === 'command' ? step.command : step.kind === 'file' ? step.content : '';
    // -n is kubectl's namespace flag only on a kubectl command line: `shuf -i 5-10 -n 1` in the
    // Jobs lesson's job-3 once made it a lesson that names namespace "1", so a course ran its
    // copies one after another (bench:course).
    const kubectlLines = step.kind === 'command' ? text.split(/[|;&\n]+/).filter((part) => /\bkubectl\b/.test(part)) : [];
    for (const m of kubectlLines.join('\n').matchAll(/(?:\s-n\s*|\s--namespace[= ])([a-z0-9-]+)/g)) add(m[1]);
    for (const m of text.matchAll(/\bcreate\s+(?:namespace|ns)\s+([a-z0-9-]+)/g)) add(m[1]);
    for (const m of text.matchAll(/^\s*namespace:\s*["']?([a-z0-9-]+)/gm)) add(m[1]);
    for (const m of text.matchAll(/kind:\s*Namespace[\s\S]*?name:\s*["']?([a-z0-9-]+)/g)) add(m[1]);
  }
  return [...names];
}

export async function verifyLesson(options: VerifyOptions): Promise<VerificationReport> {
  const lesson = await loadLesson(options.lessonPath, options);
  return lessonGate.run(namespacesNamed(lesson).length > 0 ? 'alone' : 'together', async () => {
    const run = await LessonRun.start(lesson, options);
    try {
      return await run.verify();
    } finally {
      await run.close();
    }
  });
}

/** One run of one lesson: its scratch directory, namespace, terminal and recorder. */
class LessonRun {
  readonly #log: (line: string) => void;
  readonly #limits: { exerciseMs: number; commandMs: number; eventualMs: number; lessonMs: number };
  readonly #staticFindings: Finding[];
  readonly #startedAt = Date.now();
  readonly #background = new AbortController();
  /** Aborted when the run must end early: an interruption (options.signal) or a fault of the cluster. */
  readonly #stop: AbortSignal;
  /** Which lesson line each object first appeared after, so a stuck pod is reported where it was made. */
  readonly #madeAt: { at: number; line: number }[] = [];
  readonly #reportedStuck = new Set<string>();
  #deadlinePassed = false;

  private constructor(
    readonly lesson: Lesson,
    readonly options: VerifyOptions,
    readonly scratch: string,
    readonly namespace: string,
    readonly executor: CommandExecutor,
    readonly shell: LessonShell,
    readonly recorder: TimelineRecorder,
    readonly nodes: string[],
    readonly credentials: LessonCredentials,
  ) {
    this.#log = options.log ?? (() => undefined);
    this.#limits = {
      exerciseMs: options.exerciseTimeoutMs ?? defaults.timeouts.exerciseMs,
      commandMs: options.commandTimeoutMs ?? defaults.timeouts.commandMs,
      eventualMs: options.eventualTimeoutMs ?? defaults.timeouts.eventualMs,
      lessonMs: options.lessonTimeoutMs ?? defaults.timeouts.lessonMs,
    };
    this.#staticFindings = [...fileNameFindings(lesson), ...exampleFindings(lesson)];
    this.#stop = AbortSignal.any([options.cluster.fault, ...(options.signal ? [options.signal] : [])]);
  }

  static async start(lesson: Lesson, options: VerifyOptions): Promise<LessonRun> {
    const { cluster } = options;
    const log = options.log ?? (() => undefined);
    // Named after this process, so that whoever checks for leftovers can tell its own from another
    // run's, and the next run removes it should this one be killed (src/process/leftovers.ts).
    const scratch = await mkdtemp(path.join(os.tmpdir(), ownedName('lesson-')));
    // Undone in reverse if a later step fails, so a failed start leaves nothing behind.
    const undo: (() => Promise<unknown>)[] = [() => rm(scratch, { recursive: true, force: true })];
    try {
      const namespace = await createNamespace(cluster.kubeConfig, 'lh-lesson');
      undo.push(() => deleteNamespace(cluster.kubeConfig, namespace));
      // Made before the sandbox takes scratch over (it chowns it), so that the commands can write them.
      const stateDir = path.join(scratch, '.lesson-shell');
      await mkdir(stateDir);
      await mkdir(path.join(scratch, '.kube'), { mode: 0o700 });
      // The student's kubeconfig: a least-privilege identity with our namespace as the current one;
      // the harness keeps its admin KubeConfig for watching and cleaning up.
      const credentials = await createLessonCredentials(cluster.kubeConfig, { namespace, kubeconfigPath: path.join(scratch, '.kube', 'config'), log });
      undo.push(() => credentials.revoke());
      const executor = await LessonRun.#executor(options, scratch, credentials);
      undo.push(() => executor.dispose());
      const shell = await LessonShell.create(executor, stateDir);
      const recorder = new TimelineRecorder(cluster.kubeConfig, namespace, { followNewNamespaces: true });
      undo.push(() => recorder.stop());
      await recorder.start();
      await Promise.all(namespacesNamed(lesson).map((ns) => recorder.watchNamespace(ns)));
      const nodes = (await cluster.kubeConfig.makeApiClient(CoreV1Api).listNode().catch(() => ({ items: [] }))).items.map((n) => n.metadata?.name ?? '');
      return new LessonRun(lesson, options, scratch, namespace, executor, shell, recorder, nodes, credentials);
    } catch (error) {
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw error;
    }
  }

  /** Lesson commands run in a sandbox; on the host only when the operator says so (trusted lessons). */
  static async #executor(options: VerifyOptions, scratch: string, credentials: LessonCredentials): Promise<CommandExecutor> {
    const { cluster } = options;
    if (defaults.sandboxed) {
      return createSandbox({ scratch, kubectlDir: cluster.kubectlDir, kubeconfig: credentials.kubeconfigPath, apiServer: credentials.apiServer, limits: { timeoutMs: defaults.timeouts.commandMs } });
    }
    options.log?.('  WARNING: LESSON_HARNESS_SANDBOX=0: lesson commands run on the host, unsandboxed');
    // A student's shell: their PATH with the cluster's kubectl first, their HOME; none of the harness's variables.
    const env = {
      PATH: `${cluster.kubectlDir ? `${cluster.kubectlDir}:` : ''}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`,
      HOME: scratch, KUBECONFIG: credentials.kubeconfigPath, LANG: 'C.UTF-8', TERM: 'dumb', USER: 'student',
    };
    return hostExecutor({ cwd: scratch, env, outputLimitBytes: defaults.sandbox.outputBytes, defaultTimeoutMs: defaults.timeouts.commandMs });
  }

  async verify(): Promise<VerificationReport> {
    const exercises: ExerciseReport[] = [];
    if (this.lesson.examples) this.#log(`examples folder: ${this.lesson.examples.dir} (${this.lesson.examples.origin})`);
    let stopped: VerificationReport['stopped'];
    for (const exercise of this.lesson.exercises) {
      try {
        exercises.push(await this.#exercise(exercise));
      } catch (error) {
        if (!this.#stop.aborted) throw error;
        stopped = this.#stoppedIn(exercise);
        break;
      }
    }
    const cleanup = this.lesson.cleanup;
    if (cleanup.length > 0 && !stopped) {
      this.#log('\n▶ clean-up (<!-- verify: cleanup -->)');
      for (const step of cleanup) {
        if (step.missingExample) continue;
        const result = await this.shell.run(step.command, { timeoutMs: this.#limits.commandMs });
        this.#log(`  $ ${step.command} → exit ${result.exitCode}`);
      }
    }
    return {
      lesson: this.options.lessonPath, startedAt: this.#startedAt, durationMs: Date.now() - this.#startedAt,
      cluster: { provider: this.options.cluster.provider, version: this.options.cluster.version }, exercises, ...(stopped ? { stopped } : {}),
    };
  }

  /** Why the run ended early; an interruption wins over the faults it causes (Ctrl-C reaches the components too). */
  #stoppedIn(exercise: Exercise): NonNullable<VerificationReport['stopped']> {
    const interrupted = this.options.signal?.aborted ?? false;
    const reason: unknown = interrupted ? this.options.signal?.reason : this.#stop.reason;
    const message = reason instanceof Error ? reason.message : String(reason);
    this.#log(`\n■ stopped in "${exercise.title}" (line ${exercise.line}): ${message.split('\n')[0] ?? ''}`);
    return { cause: interrupted ? 'interrupted' : 'cluster fault', message, exercise: { title: exercise.title, line: exercise.line } };
  }

  /** Throws once the run must end early; called between the steps of an exercise. */
  #checkpoint(): void {
    if (this.#stop.aborted) throw this.#stop.reason;
  }

  /** A wait that ends early when the run must end. */
  #pause(ms: number): Promise<void> {
    return sleep(ms, undefined, { signal: this.#stop }).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#background.abort();
    await this.executor.dispose();
    await this.recorder.stop();
    // A cluster that failed is not asked to clean up (its API server may hang or be gone); a local
    // or kind one is thrown away whole, and on a kubeconfig cluster the fault is that its API server
    // does not answer.
    if (this.options.cluster.fault.aborted) {
      this.#log(`  (the cluster failed: its namespace ${this.namespace} and the lesson's identity are not cleaned up)`);
      await rm(this.scratch, { recursive: true, force: true });
      return;
    }
    await this.credentials.revoke().catch(() => undefined);
    const { kubeConfig } = this.options.cluster;
    // Namespaces the lesson created are the lesson's: remove them with ours (never one that existed before).
    const core = kubeConfig.makeApiClient(CoreV1Api);
    for (const ns of this.recorder.namespaces) {
      const found = ns === this.namespace ? undefined : await core.readNamespace({ name: ns }).catch(() => undefined);
      const created = found?.metadata?.creationTimestamp ? new Date(found.metadata.creationTimestamp).getTime() : 0;
      if (found && created >= this.#startedAt - 1_000 && !isHarnessNamespace(found.metadata?.labels)) await deleteNamespace(kubeConfig, ns);
    }
    await deleteNamespace(kubeConfig, this.namespace);
    await rm(this.scratch, { recursive: true, force: true });
  }

  async #exercise(exercise: Exercise): Promise<ExerciseReport> {
    const began = Date.now();
    const from = this.recorder.now();
    const file = this.options.lessonPath;
    const findings: Finding[] = this.#staticFindings.filter((f) => f.exercise === exercise.title);
    const report: Report = (severity, line, title, lessonSays, clusterDid, suggestion, fix) => {
      findings.push({ severity, file, line, exercise: exercise.title, title, lessonSays, clusterDid, suggestion, ...(fix ? { fix } : {}) });
    };
    const commands: CommandReport[] = [];
    this.#log(`\n▶ ${exercise.title} (line ${exercise.line})`);

    for (const step of exercise.steps) {
      this.#checkpoint();
      if (this.#overDeadline(step.line, report)) break;
      if (step.kind === 'file') {
        // Refused names were caught at parse time; here a symlink an earlier command made.
        const refused = await this.executor.writeFile(step.fileName, step.content).then(() => undefined, (error: HarnessError) => error);
        if (refused) report('error', step.nameLine ?? step.line, 'file not written', `create ${step.fileName}`, refused.message.split('\n')[0] ?? '', refused.fix ?? '');
        else if (step.nameSource === 'example') this.#log(`  ↓ ${step.example ?? ''} from the examples folder → ${step.fileName} (line ${step.line})`);
        else this.#log(`  ✎ ${step.fileName} (line ${step.line})${step.example ? ` from {{% code_sample file="${step.example}" %}}` : ''}`);
      } else if (step.kind === 'command') {
        commands.push(await this.#command(step, exercise, report));
      }
    }

    this.#checkpoint();
    await this.#settle(exercise, report);
    this.#checkpoint();
    const timeline = exerciseTimeline(this.recorder.timeline, from);
    const expectations: ExpectationReport[] = [];
    const lastJob = timeline.jobs.at(-1)?.name;
    const facts = exerciseFacts(lastJob ? timeline.forJob(lastJob) : timeline);
    for (const step of exercise.steps) {
      if (step.kind !== 'annotation') continue;
      for (const claim of step.expectations) {
        if (claim.kind === 'object') {
          const result = await this.#objectClaim(claim);
          expectations.push({ expression: claim.source, line: claim.line, ok: result.ok, message: result.message });
          if (!result.ok) report('error', claim.line, `claim not true: ${claim.resource} ${claim.pathText}`, claim.source, `${claim.resource} ${claim.pathText} is ${result.actual}`, 'correct the prose this annotation marks (and the annotation with it)');
          continue;
        }
        const result = evaluateExpectation(claim, facts);
        expectations.push({ expression: step.expression.trim(), line: step.line, ok: result.ok, message: result.message });
        if (!result.ok) report('error', step.line, `claim not true: ${claim.subject}`, `${claim.subject} ${String(result.expected)}`, `${claim.subject} is ${String(result.actual)}`, 'correct the prose this annotation marks (and the annotation with it)');
      }
    }
    return { title: exercise.title, line: exercise.line, durationMs: Date.now() - began, findings, commands, expectations, pods: reportPods(timeline, this.recorder.startedAt) };
  }

  /** Reads the object as the API has it now, looking again (bounded) while the cluster may still change. */
  async #objectClaim(claim: ObjectClaim): Promise<{ ok: boolean; actual: string; message: string }> {
    const kubectl = this.options.cluster.kubectlDir ? path.join(this.options.cluster.kubectlDir, 'kubectl') : 'kubectl';
    const read = async (): Promise<unknown> => {
      const got = await execa(kubectl, ['--kubeconfig', this.options.cluster.kubeconfigPath, '-n', claim.namespace ?? this.namespace, 'get', claim.resource, '-o', 'json'], { reject: false, timeout: 15_000 });
      return got.exitCode === 0 ? JSON.parse(got.stdout) as unknown : undefined;
    };
    const deadline = Date.now() + this.#limits.eventualMs;
    const quiet = (): boolean => this.recorder.store.state(this.recorder.now()).quiescent;
    let previousQuiet = quiet();
    let result = evaluateObjectClaim(claim, await read());
    let previous = result.actual;
    while (!result.ok && Date.now() < deadline && !this.#stop.aborted) {
      await this.#pause(1_000);
      const quietNow = quiet();
      result = evaluateObjectClaim(claim, await read());
      // Settled for good only when both looks were taken while nothing could change.
      if (quietNow && previousQuiet && result.actual === previous) break;
      previous = result.actual;
      previousQuiet = quietNow;
    }
    return result;
  }

  /** Waits (bounded) until nothing the exercise made is still changing by itself; reports what is stuck. */
  async #settle(exercise: Exercise, report: Report): Promise<void> {
    const state = () => this.recorder.store.state(this.recorder.now());
    await this.recorder.waitUntil(`exercise "${exercise.title}" to settle`, () => state().settled, this.#limits.exerciseMs, this.#stop).catch((error: Error) => {
      this.#checkpoint();
      const waiting = state().waiting;
      // A Job that never ends is the lesson's problem; a pod that never gets Ready may be its point.
      const severity = waiting.some((w) => w.startsWith('job/')) ? 'error' : 'warning';
      report(severity, exercise.line, 'exercise did not settle', 'what the exercise starts comes to rest (Jobs finish, rollouts complete)',
        `${waiting.join('; ')}\n${error.message.split('\nTimeline:')[0] ?? ''}`, 'check the manifests: a Job that never ends or a rollout that never completes keeps students waiting too');
    });
    for (const stuck of state().stuck) {
      if (this.#reportedStuck.has(stuck)) continue;
      this.#reportedStuck.add(stuck);
      const pull = /ErrImagePull|ImagePullBackOff|InvalidImageName/.test(stuck);
      const line = this.#lineOf(stuck) ?? exercise.line;
      if (!pull) {
        report('error', line, 'pod cannot start', 'the pods run', stuck, 'check the pod spec of the manifest (the referenced ConfigMap, Secret or command)');
        continue;
      }
      const images = await this.#imagesWithoutStandIn(stuck);
      report('error', line, images.length ? `pod cannot start: no stand-in for ${images.join(', ')}` : 'pod cannot start: its image cannot be pulled', 'the pods run', stuck,
        images.length
          ? `Offline (local and kind providers) every image needs a stand-in: add ${images.join(', ')} to config/images.yaml, or use an image that has one (the harness lists them at start).`
          : 'check the image name and tag: a student\'s cluster cannot pull it either');
    }
  }

  /** Images of a stuck pod that no entry of config/images.yaml stands in for. */
  async #imagesWithoutStandIn(stuck: string): Promise<string[]> {
    const name = /^\w+\/([^:]+)/.exec(stuck)?.[1];
    const pod = this.recorder.store.live('Pod').find((p) => p.metadata?.name === name);
    const specs = [...((pod?.spec?.initContainers as { image?: string }[] | undefined) ?? []), ...((pod?.spec?.containers as { image?: string }[] | undefined) ?? [])];
    const { images } = await loadImagesConfig().catch(() => ({ images: [] }));
    return [...new Set(specs.map((c) => c.image ?? '').filter((image) => image && !standInFor(image, images)))];
  }

  #lineOf(stuck: string): number | undefined {
    const name = /^\w+\/([^:]+)/.exec(stuck)?.[1];
    const seen = this.recorder.store.all().find((s) => s.object.metadata?.name === name)?.firstSeenAt;
    if (seen === undefined) return undefined;
    return this.#madeAt.filter((m) => m.at <= seen).at(-1)?.line;
  }

  #overDeadline(line: number, report: Report): boolean {
    if (Date.now() - this.#startedAt <= this.#limits.lessonMs) return false;
    if (!this.#deadlinePassed) {
      this.#deadlinePassed = true;
      report('error', line, 'lesson deadline passed', `the lesson finishes within ${this.#limits.lessonMs / 1000} s`, `stopped before line ${line}; the rest was not run`,
        'shorten the waits of the lesson, or raise LESSON_HARNESS_LESSON_TIMEOUT_MS for this course');
    }
    return true;
  }

  /** Objects a student can see now, oldest first, for name look-ups. */
  #live(): LiveObject[] {
    return [
      ...this.recorder.store.live().filter((o) => !o.metadata?.deletionTimestamp).map((o) => ({ kind: o.kind ?? '', name: o.metadata?.name ?? '' })),
      ...this.nodes.map((name) => ({ kind: 'Node', name })),
    ];
  }

  async #command(step: CommandStep, exercise: Exercise, report: Report): Promise<CommandReport> {
    const began = Date.now();
    // Its example is not in the examples folder: a finding already (exampleFindings), and no network attempt.
    if (step.missingExample) return { command: step.command, line: step.line, exitCode: 0, output: '', durationMs: 0 };
    this.#madeAt.push({ at: this.recorder.now(), line: step.line });
    // Names are looked up again on every look: the pod a student would pick may be new.
    const prepared = (): string => substituteNames(step.command, this.#live()).command;
    const first = substituteNames(step.command, this.#live());
    for (const r of first.replaced) {
      report('info', step.line, r.placeholder ? 'placeholder filled in' : 'name from the author\'s run replaced', r.from, `this run's object is ${r.to}`,
        r.placeholder ? 'nothing to fix: a student fills it in the same way' : `say where the name comes from ("the pod name from kubectl get pods"), or select by label/owner (e.g. kubectl logs deployment/web)`);
    }
    if (first.unresolved.length > 0) {
      report('warning', step.line, `placeholder not run: ${first.unresolved.join(', ')}`, step.command, 'no object fills this placeholder; the command was not run',
        'use a real name, or mark the block with <!-- verify: skip --> if it is only an example');
      return { command: step.command, line: step.line, exitCode: 0, output: '', durationMs: 0 };
    }
    const command = first.command;
    // A CronJob that runs every minute is made early in a minute, as most students' is (cron-start.ts).
    const files = exercise.steps.filter((s): s is FileStep => s.kind === 'file' && s.line < step.line);
    const cronWait = createsMinuteCronJob(command, files) ? cronStartWaitMs(Date.now()) : 0;
    if (cronWait > 0) {
      this.#log(`    (waiting ${Math.round(cronWait / 1000)} s for the next minute: this makes a CronJob that runs every minute, and what the lesson shows before its first Job needs time before that Job starts)`);
      await this.#pause(cronWait);
    }
    this.#log(`  $ ${command.split('\n')[0]}${command.includes('\n') ? ' …' : ''}${step.hidden ? '   (hidden setup)' : ''}`);
    const toDefault = (text: string): string => text.replaceAll(this.namespace, 'default');
    const compareWith = step.options.ignoreOutput || step.hidden ? [] : step.outputs;
    const compare = (output: string): OutputComparison | undefined => (compareWith.length ? compareOutput(compareWith, toDefault(output), { file: this.options.lessonPath, exercise: exercise.title, command: step.command }) : undefined);
    const failureShown = documentsFailure(step.outputs);
    const exitOk = (r: CommandResult): boolean => (step.options.exitCode !== undefined ? r.exitCode === step.options.exitCode : r.exitCode === 0 || r.stopped || (failureShown && r.exitCode !== 0));
    const judge = (r: CommandResult): { ok: boolean; comparison?: OutputComparison } => {
      const comparison = compare(r.output);
      return { ok: exitOk(r) && !r.timedOut && !(comparison?.findings.some((f) => f.severity === 'error') ?? false), ...(comparison ? { comparison } : {}) };
    };

    if (step.options.background || isBackground(command)) return this.#startInBackground(step, command, began);

    let result = isEndless(command)
      ? await this.#endless(command, step, (output) => judge({ exitCode: 0, output, timedOut: false, stopped: true, truncated: false }).ok)
      : await this.shell.run(command, { signal: this.#stop, timeoutMs: step.options.timeoutMs ?? this.#limits.commandMs });
    let verdict = judge(result);

    // A student whose file has another name than the command expects would rename it and go on;
    // do the same so the rest of the exercise is still verified (the name clash is its own finding).
    if (!verdict.ok) {
      const renamed = await this.#renameMissingFile(step, exercise, result, report);
      if (renamed) {
        result = await this.shell.run(command, { signal: this.#stop, timeoutMs: step.options.timeoutMs ?? this.#limits.commandMs });
        verdict = judge(result);
      }
    }

    // What a student reads may arrive later than the change that makes it: look again (eventual-output.ts).
    let waitedMs = 0;
    if (!verdict.ok && !result.timedOut && isReadOnly(command) && !isEndless(command)) {
      ({ result, waitedMs } = await waitForEventualOutput({
        first: result,
        again: () => this.shell.run(prepared(), { signal: this.#stop, timeoutMs: step.options.timeoutMs ?? this.#limits.commandMs }),
        ok: (r) => judge(r).ok,
        ran: exitOk,
        state: () => this.recorder.store.state(this.recorder.now()),
        pause: (ms) => this.#pause(ms),
        stopped: () => this.#stop.aborted,
        timeoutMs: step.options.timeoutMs ?? this.#limits.eventualMs,
        log: this.#log,
      }));
      verdict = judge(result);
    }

    const output = toDefault(result.output);
    this.#reportResult(step, exercise, result, { output, exitOk: exitOk(result), ...verdict, waitedMs }, report);
    this.#blockOutputs.set(step.block, `${this.#blockOutputs.get(step.block) ?? ''}${result.output}`);
    return { command, line: step.line, exitCode: result.exitCode, output, durationMs: Date.now() - began };
  }

  /** The findings of one command's last run: did not finish, failed, printed other output, was cut, came late. */
  #reportResult(step: CommandStep, exercise: Exercise, result: CommandResult,
    look: { output: string; exitOk: boolean; ok: boolean; comparison?: OutputComparison; waitedMs: number }, report: Report): void {
    if (result.timedOut) {
      report('error', step.line, 'command did not finish', 'the command ends', `still running after ${(step.options.timeoutMs ?? this.#limits.commandMs) / 1000} s; stopped`,
        'end the command (drop -f/--watch), or say in the lesson that the student stops it with Ctrl-C and mark it <!-- verify: background -->');
    } else if (!look.exitOk) {
      const expected = step.options.exitCode;
      if (expected !== undefined) {
        const marker = step.options.exitMarker;
        report('error', step.line, `exit code ${result.exitCode}, the lesson says ${expected}`, `exit code ${expected}`, look.output.trim() || `exit code ${result.exitCode}`, 'fix the command, or the exit code in <!-- verify: exit=… -->',
          marker && !result.timedOut ? [{ kind: 'word', line: marker.line, from: marker.word, to: marker.word.replace(/=.*/, `=${result.exitCode}`) }] : undefined);
      } else {
        report('error', step.line, step.hidden ? 'hidden setup command failed' : 'command failed', step.outputs[0]?.text ?? 'the command succeeds',
          look.output.trim() || `exit code ${result.exitCode}`, 'fix the command or the file it uses; a student gets the same error');
      }
    } else if (look.comparison) {
      const comparison = this.#blockFallback(step, look.comparison, exercise, result.output);
      for (const f of comparison.findings) report(f.severity, f.line, f.title, f.lessonSays, f.clusterDid, f.suggestion, f.fix);
    }
    if (result.truncated) {
      report('warning', step.line, 'output truncated', 'the whole output', `more than ${defaults.sandbox.outputBytes} bytes; the rest was dropped`, 'print less (a selector, --tail, head)');
    }
    if (look.ok && look.waitedMs >= 3_000) {
      report('info', step.line, `output appeared after ${Math.round(look.waitedMs / 1000)} s`, 'the output right away',
        `the cluster needed ${Math.round(look.waitedMs / 1000)} s to get there`, 'tell the student to wait, or add a command that waits (kubectl wait --for=condition=… or kubectl rollout status) before this one');
    }
  }

  /** Outputs of the commands of one code block so far: the output fence after it may show them all. */
  readonly #blockOutputs = new Map<number, string>();

  /** The output fence after a block of several commands may show what all of them printed. */
  #blockFallback(step: CommandStep, own: OutputComparison, exercise: Exercise, output: string): OutputComparison {
    const earlier = this.#blockOutputs.get(step.block);
    if (!earlier || own.same) return own;
    const all = compareOutput(step.outputs, `${earlier}${output}`.replaceAll(this.namespace, 'default'), { file: this.options.lessonPath, exercise: exercise.title, command: step.command });
    return all.findings.filter((f) => f.severity === 'error').length < own.findings.filter((f) => f.severity === 'error').length ? all : own;
  }

  /**
   * Runs a command that never ends by itself (a watch) until its output is the lesson's, or the
   * exercise has settled with nothing scheduled, or — for exercises that keep changing (a CronJob)
   * — the eventual-output wait is over at a settled moment. At the exercise timeout it is stopped.
   */
  async #endless(command: string, step: CommandStep, matches: (output: string) => boolean): Promise<CommandResult> {
    const stop = new AbortController();
    let output = '';
    let ended = false;
    const limit = step.options.timeoutMs ?? this.#limits.exerciseMs;
    const running = this.shell.run(command, { signal: AbortSignal.any([stop.signal, this.#stop]), timeoutMs: limit + 10_000, onOutput: (chunk) => { output += chunk; } })
      .finally(() => { ended = true; });
    const started = Date.now();
    const rule = new WatchStopRule(started, this.#limits.eventualMs);
    let lastProgress = started;
    while (!ended && Date.now() - started < limit) {
      await Promise.race([running, sleep(500)]);
      const state = this.recorder.store.state(this.recorder.now());
      if (rule.stopNow({ now: Date.now(), outputLength: output.length, settled: state.settled, quiescent: state.quiescent, matches: matches(output) })) break;
      if (Date.now() - lastProgress >= 5_000) {
        lastProgress = Date.now();
        const waiting = state.settled ? state.timers : state.waiting;
        this.#log(`    … +${Math.round((Date.now() - started) / 1000)}s ${state.settled ? 'settled; waiting for what is scheduled' : 'waiting for the exercise to settle'}: ${waiting.slice(0, 3).join('; ') || 'nothing yet'}`);
      }
    }
    stop.abort();
    const result = await running;
    return { ...result, output: result.output || output, timedOut: false };
  }

  /**
   * Starts a command that serves until stopped (a port-forward, `cmd &`) and goes on once it is up.
   * It runs as a command of its own that is not waited for (a trailing `&` dropped), and it ends
   * with the lesson: a process left behind by a command's shell would end with that shell's sandbox.
   */
  async #startInBackground(step: CommandStep, command: string, began: number): Promise<CommandReport> {
    let output = '';
    let exited: CommandResult | undefined;
    const foreground = command.replace(/\s*&\s*$/, '');
    void this.shell.run(foreground, { signal: this.#background.signal, timeoutMs: this.#limits.lessonMs, onOutput: (chunk) => { output += chunk; } })
      .then((r) => { exited = r; });
    for (let waited = 0; waited < 5_000 && !exited && !SERVING.test(output); waited += 100) await sleep(100);
    this.#log('    (running in the background until the lesson ends)');
    return { command, line: step.line, exitCode: exited?.exitCode ?? 0, output: output.replaceAll(this.namespace, 'default'), durationMs: Date.now() - began };
  }

  async #renameMissingFile(step: CommandStep, exercise: Exercise, result: CommandResult, report: Report): Promise<boolean> {
    const missing = /the path "([^"]+)" does not exist/.exec(result.output)?.[1];
    const source = exercise.steps.filter((s) => s.kind === 'file' && s.line < step.line).at(-1);
    if (result.exitCode === 0 || !missing || source?.kind !== 'file' || path.basename(missing) !== missing) return false;
    await this.executor.writeFile(missing, source.content);
    report('info', step.line, 'continued with the file renamed', `kubectl reads ${missing}`, `${result.output.trim()}; the harness saved the manifest of line ${source.line} as ${missing} and ran the command again`,
      `name the file ${missing} where the lesson creates it (line ${source.nameLine ?? source.line})`);
    if (!this.#staticFindings.some((f) => f.line === step.line)) {
      report('error', step.line, 'command failed', step.outputs[0]?.text ?? 'the command succeeds', result.output.trim(), `create ${missing} before this command, or apply ${source.fileName}`);
    }
    return true;
  }
}

/** Only what the exercise made: observations of objects first seen after it began. */
function exerciseTimeline(all: Timeline, from: number): Timeline {
  const firstSeen = new Map<string, number>();
  for (const o of all.observations) if (!firstSeen.has(`${o.kind}/${o.name}`)) firstSeen.set(`${o.kind}/${o.name}`, o.at);
  const only = new Timeline();
  for (const o of all.observations) {
    const seen = o.kind === 'Event' ? o.at : firstSeen.get(`${o.kind}/${o.name}`) ?? 0;
    if (seen >= from) only.record(o);
  }
  return only;
}
