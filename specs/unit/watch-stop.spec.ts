// When a watch is stopped (src/verify/watch-stop.ts), looked at every half second as verify-lesson does.
import { expect } from 'chai';
import { WatchStopRule, type WatchLook } from '../../src/verify/watch-stop.ts';

const eventualMs = 90_000;

/** Feeds the rule one look every 500 ms from t=0 until it says stop (or `untilMs`); returns when it stopped, or undefined. */
function stopsAt(look: (t: number) => Omit<WatchLook, 'now'>, untilMs = 200_000): number | undefined {
  const rule = new WatchStopRule(0, eventualMs);
  for (let t = 500; t <= untilMs; t += 500) if (rule.stopNow({ now: t, ...look(t) })) return t;
  return undefined;
}

const quiet = { settled: true, quiescent: true, matches: false };

describe('stopping a watch', () => {
  it('a settled exercise whose watch printed its table and went quiet: stopped 1.5 s after both', () => {
    expect(stopsAt(() => ({ ...quiet, outputLength: 120 }))).to.equal(2_000);
  });

  it('an apply behind a slow first part: nothing printed, the empty namespace settled — not stopped until it printed', () => {
    // Prints at 5 s (the apply, then the watch's table); the Job runs until 12 s.
    const at = stopsAt((t) => ({ outputLength: t < 5_000 ? 0 : 200, settled: t < 5_000 || t >= 12_000, quiescent: t < 5_000 || t >= 12_000, matches: false }));
    expect(at).to.equal(13_500);
  });

  it('a Job still running: never stopped while it is not settled, even when the output already matched', () => {
    expect(stopsAt(() => ({ outputLength: 80, settled: false, quiescent: false, matches: true }), 60_000)).to.equal(undefined);
  });

  it('settled, output at rest, a CronJob still scheduled: stopped once the lesson\'s output matched for 1.5 s', () => {
    expect(stopsAt((t) => ({ outputLength: 300, settled: true, quiescent: false, matches: t >= 10_000 }))).to.equal(11_500);
  });

  it('a command that prints on a clock (`watch`): stopped after 5 s settled, though its output never rests', () => {
    expect(stopsAt((t) => ({ ...quiet, outputLength: t }))).to.equal(5_500);
  });

  it('settled with something scheduled and no match: given up at the eventual wait, at a settled moment', () => {
    expect(stopsAt(() => ({ outputLength: 300, settled: true, quiescent: false, matches: false }))).to.equal(eventualMs + 500);
  });

  it('a watch that never prints anything: stopped once the eventual wait is over and the exercise is settled', () => {
    expect(stopsAt(() => ({ ...quiet, outputLength: 0 }))).to.equal(eventualMs + 500);
  });
});
