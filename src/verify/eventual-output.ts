// State a student reads arrives some time after the change that makes it: a read-only command
// whose output is not yet the lesson's is run again, with backoff, until it is or the wait is over
// (istio's doc tests retry for up to 2 minutes). Once nothing can change any more and two looks
// agree, it stops early. verify-lesson.ts gives it the command, the verdict and the cluster's state.
import type { CommandResult } from '../shell/command-executor.ts';

/** What the cluster's recorder says at one moment (src/timeline). */
export interface ClusterState {
  /** Nothing is changing, and nothing is scheduled to (no CronJob, no TTL). */
  quiescent: boolean;
  /** What is still under way, and what is scheduled, for the progress line. */
  waiting: string[];
  timers: string[];
}

export interface EventualLook {
  /** The command's first run, whose output was not the lesson's. */
  first: CommandResult;
  /** Runs the command again (names looked up again: the pod a student would pick may be new). */
  again: () => Promise<CommandResult>;
  /** The output is the lesson's and the command ended as the lesson says. */
  ok: (result: CommandResult) => boolean;
  /** The command ended as the lesson says (whatever it printed). */
  ran: (result: CommandResult) => boolean;
  state: () => ClusterState;
  pause: (ms: number) => Promise<void>;
  stopped: () => boolean;
  timeoutMs: number;
  log: (line: string) => void;
}

/** What two looks printed, as a student would compare them (ages and generated names aside). */
export function outputKey(result: CommandResult): string {
  return `${result.exitCode}\n${result.output.replace(/\b\d+(?:\.\d+)?(?:ms|s|m|h|d)\b/g, '')}`;
}

/**
 * Looks again until the output is the lesson's or the wait is over. Returns the look to report:
 * the last one, or — when the last one failed to run — the last that ran, since what the lesson
 * shows may have passed while we looked (a TTL deleted the Job).
 */
export async function waitForEventualOutput(o: EventualLook): Promise<{ result: CommandResult; waitedMs: number }> {
  const waitFrom = Date.now();
  const deadline = waitFrom + o.timeoutMs;
  let result = o.first;
  let delay = 500;
  let previous = outputKey(result);
  // Two looks agree only if nothing could change between them: both taken while quiescent.
  let agreed = false;
  let previousQuiet = o.state().quiescent;
  let lastProgress = Date.now();
  let lastRan = o.ran(result) ? result : undefined;
  let ok = false;
  while (Date.now() < deadline && !o.stopped()) {
    const state = o.state();
    if (state.quiescent && agreed) break;
    await o.pause(Math.min(delay, Math.max(0, deadline - Date.now())));
    if (o.stopped()) break;
    delay = Math.min(delay * 2, 5_000);
    const quiet = o.state().quiescent;
    result = await o.again();
    ok = o.ok(result);
    if (ok) break;
    if (o.ran(result)) lastRan = result;
    agreed = quiet && previousQuiet && outputKey(result) === previous;
    previous = outputKey(result);
    previousQuiet = quiet;
    if (Date.now() - lastProgress >= 5_000) {
      lastProgress = Date.now();
      const waiting = [...state.waiting, ...state.timers];
      o.log(`    … +${Math.round((Date.now() - waitFrom) / 1000)}s not there yet${waiting.length ? `; waiting for ${waiting.slice(0, 3).join('; ')}` : ''}`);
    }
  }
  if (!ok && !o.ran(result) && lastRan) result = lastRan;
  return { result, waitedMs: Date.now() - waitFrom };
}
