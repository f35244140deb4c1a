// Run by shared-network.hostile.spec.ts as a harness that is about to be SIGKILLed: a sandbox with a
// server left running in the background, reached from a second run. Prints one JSON line once all
// is up — the sandbox's uid and its network namespace — then waits to be killed.
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ownedName } from '../../src/process/leftovers.ts';
import { createSandbox } from '../../src/sandbox/sandbox.ts';

// Named as lesson-verify names its scratch dirs: the next run sweeps it once this process is gone.
const scratch = await mkdtemp(path.join(os.tmpdir(), ownedName('lesson-')));
await writeFile(path.join(scratch, '.kubeconfig'), '');
const sandbox = await createSandbox({ scratch, kubeconfig: path.join(scratch, '.kubeconfig') });
void sandbox.run('busybox nc -ll -p 18082 -e echo hi', { timeoutMs: 600_000 });
let reached = '';
for (let i = 0; i < 50 && reached !== 'hi'; i++) reached = (await sandbox.run('busybox nc 127.0.0.1 18082 </dev/null 2>/dev/null')).output.trim();
const netns = (await sandbox.run('readlink /proc/self/ns/net')).output.trim();
process.stdout.write(`${JSON.stringify({ uid: sandbox.uid, pid: process.pid, scratch, netns, reached })}\n`);
setInterval(() => undefined, 60_000);
