// Looking again for output that arrives later (src/verify/eventual-output.ts), with a scripted
// command and cluster: no cluster, no waiting (pause does nothing).
import { expect } from 'chai';
import type { CommandResult } from '../../src/shell/command-executor.ts';
import { outputKey, waitForEventualOutput, type ClusterState, type EventualLook } from '../../src/verify/eventual-output.ts';

const printed = (output: string, exitCode = 0): CommandResult => ({ exitCode, output, timedOut: false, stopped: false, truncated: false });
const busy: ClusterState = { quiescent: false, waiting: ['pod/web Pending'], timers: [] };
const quiet: ClusterState = { quiescent: true, waiting: [], timers: [] };

/** The looks after the first, in order (the last one repeats); counts them. */
function scripted(looks: CommandResult[], over: Partial<EventualLook> = {}): EventualLook & { count: () => number } {
  let n = 0;
  return {
    first: printed('No resources found'),
    again: async () => looks[Math.min(n++, looks.length - 1)] as CommandResult,
    ok: (r) => r.exitCode === 0 && r.output === 'web   1/1   Running',
    ran: (r) => r.exitCode === 0,
    state: () => busy,
    pause: async () => undefined,
    stopped: () => false,
    timeoutMs: 2_000,
    log: () => undefined,
    count: () => n,
    ...over,
  };
}

describe('waitForEventualOutput', () => {
  it('looks again until the output is the lesson\'s, and returns that look', async () => {
    const look = scripted([printed('web   0/1   Pending'), printed('web   0/1   ContainerCreating'), printed('web   1/1   Running')]);
    const { result } = await waitForEventualOutput(look);
    expect(result.output).to.equal('web   1/1   Running');
    expect(look.count()).to.equal(3);
  });

  it('stops early once the cluster is quiescent and two looks agree (nothing can change any more)', async () => {
    const look = scripted([printed('web   0/1   Error')], { state: () => quiet, timeoutMs: 60_000 });
    const { result, waitedMs } = await waitForEventualOutput(look);
    expect(result.output).to.equal('web   0/1   Error');
    expect(look.count(), 'looks before stopping').to.equal(2);
    expect(waitedMs).to.be.lessThan(1_000);
  });

  it('while the cluster is busy, keeps looking until the wait is over', async () => {
    const look = scripted([printed('web   0/1   Pending')], { timeoutMs: 300 });
    const { waitedMs } = await waitForEventualOutput(look);
    expect(waitedMs).to.be.at.least(300);
    expect(look.count()).to.be.greaterThan(5);
  });

  it('reports the last look that ran when the last one failed (what the lesson shows has passed: a TTL deleted the Job)', async () => {
    const look = scripted([printed('job.batch/pi   0/1'), printed('Error from server (NotFound): jobs.batch "pi" not found', 1)], { timeoutMs: 200 });
    const { result } = await waitForEventualOutput(look);
    expect(result.output).to.equal('job.batch/pi   0/1');
  });

  it('ends at once when the run is stopped (Ctrl-C, a cluster fault)', async () => {
    const look = scripted([printed('web   0/1   Pending')], { stopped: () => true, timeoutMs: 60_000 });
    const { result } = await waitForEventualOutput(look);
    expect(look.count()).to.equal(0);
    expect(result.output).to.equal('No resources found');
  });

  it('compares looks without ages (a student sees the same table)', () => {
    expect(outputKey(printed('web   1/1   Running   0   12s'))).to.equal(outputKey(printed('web   1/1   Running   0   14s')));
    expect(outputKey(printed('web   1/1   Running'))).to.not.equal(outputKey(printed('web   0/1   Running')));
  });
});
