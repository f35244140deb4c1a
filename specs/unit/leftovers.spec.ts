// What harnesses that died leave (named with their pid) is swept; what live ones own is not.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { deadRunLeftovers, ownedName, sweepDeadRuns } from '../../src/process/leftovers.ts';

describe('leftovers of runs that died', () => {
  let tmp: string;
  beforeEach(async () => { tmp = await mkdtemp(path.join(os.tmpdir(), 'leftovers-spec-')); });
  afterEach(async () => { await rm(tmp, { recursive: true, force: true }); });

  it('removes the runtime and scratch folders of a pid that is gone, and keeps those of live pids and other names', async () => {
    // A pid that was alive a moment ago and is not any more (reuse within the test is all but impossible).
    const dead = spawnSync('true').pid;
    const names = {
      dead: [`lh-sandbox-${dead}-AbC123`, `lesson-${dead}-XyZ789`],
      live: [ownedName('lh-sandbox-', 'mine'), `lh-sandbox-1-init`, `lesson-1-init`, 'lh-sandbox-AbC123', 'lesson-sigkill-Q1', 'lesson-harness-sandbox-1905330858'],
    };
    for (const name of [...names.dead, ...names.live]) await mkdir(path.join(tmp, name, 'sub'), { recursive: true });
    expect((await deadRunLeftovers(tmp)).filter((p) => p.startsWith(tmp)).sort()).to.deep.equal(names.dead.map((n) => path.join(tmp, n)).sort());
    await sweepDeadRuns(tmp);
    expect((await readdir(tmp)).sort()).to.deep.equal([...names.live].sort());
  });
});
