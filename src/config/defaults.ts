// Every default of the harness in one place, each with the reason for its value.
// Environment variables all start with LESSON_HARNESS_ and are listed in the README.
import os from 'node:os';
import path from 'node:path';

const env = process.env;

function envNumber(name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`Expected ${name} to be a positive integer, got \`${raw}\``);
  }
  return value;
}

export const defaults = {
  /** Where built artefacts live between runs (the Kubernetes binary, the image registry's storage). */
  cacheDir: env.LESSON_HARNESS_CACHE ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'lesson-harness'),
  /** The local cluster's state: certificates, etcd data, containerd root. Removed on stop, logs kept. */
  localStateDir: env.LESSON_HARNESS_LOCAL_DIR ?? '/var/lib/lesson-harness/local',
  /**
   * First of the loopback ports the local cluster uses (base+0 … base+10). Uncommon on purpose,
   * so that a kind cluster or a system Kubernetes on 6443/2379/10250 does not collide.
   */
  portBase: envNumber('LESSON_HARNESS_PORT_BASE', 26400),
  /** Node name; "localhost" so the apiserver reaches the kubelet on 127.0.0.1 (see local-cluster-provider.ts). */
  nodeName: 'localhost',
  timeouts: {
    /** Cold component start on a loaded 2-core machine: apiserver bootstrap takes the longest. */
    clusterStartMs: envNumber('LESSON_HARNESS_CLUSTER_START_TIMEOUT_MS', 120_000),
    /** A process asked to stop with SIGTERM gets this long before SIGKILL. */
    processStopMs: 3_000,
    /** Applying one manifest. */
    applyMs: 15_000,
    /** A lesson exercise from apply to its terminal Job condition (job-2 needs ~40 s when cold). */
    exerciseMs: envNumber('LESSON_HARNESS_EXERCISE_TIMEOUT_MS', 180_000),
    /** One shell command of a lesson that does not end by itself is cut after this long. */
    commandMs: 60_000,
    /**
     * How long a read-only command may take to show what the lesson documents (a rollout, a TTL
     * clean-up, a CronJob's first run at the next full minute). istio's doc tests wait up to 2 min.
     */
    eventualMs: envNumber('LESSON_HARNESS_EVENTUAL_TIMEOUT_MS', 90_000),
    /** A whole lesson: no lesson keeps a CI job busy for longer than this. */
    lessonMs: envNumber('LESSON_HARNESS_LESSON_TIMEOUT_MS', 30 * 60_000),
  },
  /** Bounds of the sandbox a lesson command runs in (src/sandbox/). A lesson is untrusted input. */
  /** LESSON_HARNESS_SANDBOX=0 runs lesson commands on the host: only for trusted lessons where bubblewrap cannot run. */
  sandboxed: env.LESSON_HARNESS_SANDBOX !== '0',
  sandbox: {
    /** Same as timeouts.commandMs: the sandbox's own cut when the caller gives none. */
    timeoutMs: 60_000,
    /** 1 MiB of output is ~15,000 lines: far more than any documented output; the rest is read and discarded. */
    outputBytes: 1024 * 1024,
    /** Processes and threads of one sandbox: kubectl alone runs ~15 threads; a fork bomb stops here. */
    pids: 256,
    /** kubectl peaks near 100 MiB; a few at once with jq/grep fit, a runaway does not. */
    memoryBytes: 1024 * 1024 * 1024,
    /** Largest file a lesson command may write (RLIMIT_FSIZE), so `yes > f` cannot fill the disk within the timeout. */
    fileBytes: 64 * 1024 * 1024,
  },
  /** Bounds of the lesson parser (src/lesson/parse-lesson.ts): a lesson from a pull request is untrusted. */
  /**
   * A docs site's examples folder, for `{{% code_sample %}}` includes and `https://k8s.io/examples/…`
   * URLs (src/lesson/examples-folder.ts); unset means `--examples`, or one found above the lesson.
   */
  examplesDir: env.LESSON_HARNESS_EXAMPLES || undefined,
  lesson: {
    /** The Jobs lesson is 17 KB; 1 MiB leaves room for any real lesson and bounds parse time to well under a second. */
    maxBytes: 1024 * 1024,
    /** The Jobs lesson runs 25 commands; each costs seconds on a cluster, so thousands means a mistake or an attack. */
    maxCommands: 500,
    /** YAML aliases per manifest: real manifests use none or a few; a "billion laughs" document uses thousands. */
    maxYamlAliases: 100,
  },
} as const;
