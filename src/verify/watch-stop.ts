// When to stop a command that never ends by itself (`kubectl get pods --watch`, `watch kubectl …`),
// as a student would: once what it watches has come to rest. Pure, so the rule is tested on its own
// (specs/unit/watch-stop.spec.ts); verify-lesson.ts feeds it what it sees every half second.

/** One look at the command and the cluster. Times are epoch milliseconds. */
export interface WatchLook {
  now: number;
  /** How much the command has printed so far. */
  outputLength: number;
  /** Nothing the exercise made is changing by itself (src/timeline). */
  settled: boolean;
  /** Settled, and nothing is scheduled to change either (no CronJob, no TTL). */
  quiescent: boolean;
  /** The output is the lesson's (or its elided form). */
  matches: boolean;
}

/** Calm: held for this long, and the command ran at least `minRunMs`. */
const calmMs = 1_500;
const minRunMs = 2_000;
/** A command that prints on a clock (`watch`) never rests: settled this long is enough. */
const clockPrinterMs = 5_000;

export class WatchStopRule {
  #settledSince: number | undefined;
  #matchedSince: number | undefined;
  #printedAt: number | undefined;
  #printedLength = 0;

  /** eventualMs: how long an exercise that keeps changing (a CronJob) is watched before a settled moment ends it. */
  constructor(private readonly started: number, private readonly eventualMs: number) {}

  /** True when the command may be stopped now. */
  stopNow(look: WatchLook): boolean {
    if (look.outputLength !== this.#printedLength) {
      this.#printedLength = look.outputLength;
      this.#printedAt = look.now;
    }
    // Until the command has printed anything, a settled cluster says nothing: in `kubectl apply …
    // && kubectl get pods --watch` on a loaded machine the apply may not have run yet, and the empty
    // namespace looks settled (a false "line missing" and "pods is 1" came of that).
    this.#settledSince = look.settled && this.#printedAt !== undefined ? (this.#settledSince ?? look.now) : undefined;
    // A moment after a match or a settle, so that the last lines of the transcript arrive.
    this.#matchedSince = look.matches ? (this.#matchedSince ?? look.now) : undefined;
    const calm = (since: number | undefined, ms = calmMs): boolean => since !== undefined && look.now - since >= ms && look.now - this.started >= minRunMs;
    // The output at rest too — or, for a command that prints on a clock, settled for longer.
    const outputAtRest = calm(this.#printedAt) || calm(this.#settledSince, clockPrinterMs);
    // Only at a settled moment: a student watching a Job run waits for it to end, even when the
    // lesson's transcript (or its elided part) already matched halfway.
    const done = calm(this.#settledSince) && outputAtRest && (look.quiescent || calm(this.#matchedSince));
    // An exercise that keeps changing: the eventual-output wait is over, at a settled moment.
    const waitOver = look.now - this.started > this.eventualMs && (calm(this.#settledSince) || (this.#printedAt === undefined && look.settled));
    return done || waitOver;
  }
}
