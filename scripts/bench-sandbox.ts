// npm run bench:sandbox — what the lesson sandbox costs per command: N runs of `true` (and of
// `kubectl version --client`) directly with bash, in a sandbox without an API server, and in a
// sandbox with the API port forwarded (what lesson-verify uses). Prints the mean and p95 per run,
// and what starting a sandbox costs once per lesson (its network namespace and forwarder).
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ensureKubernetesBinaries } from '../src/cluster-providers/kubernetes-binaries.ts';
import { createSandbox, type Sandbox } from '../src/sandbox/sandbox.ts';

const runs = Number(process.env.RUNS ?? 100);

function direct(script: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { stdio: 'ignore', env });
    child.once('error', reject);
    child.once('close', () => resolve());
  });
}

async function measure(label: string, once: () => Promise<unknown>): Promise<number> {
  await once(); // warm the page cache
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  process.stdout.write(`${label.padEnd(48)} mean ${mean.toFixed(1).padStart(6)} ms   p95 ${(times[Math.floor(times.length * 0.95)] ?? 0).toFixed(1).padStart(6)} ms\n`);
  return mean;
}

const kubectlDir = await ensureKubernetesBinaries((line) => process.stderr.write(`${line}\n`));
const scratch = await mkdtemp(path.join(os.tmpdir(), 'lesson-bench-'));
await writeFile(path.join(scratch, '.kubeconfig'), '');
// Something to forward to, so the forwarder starts as in a real run (nothing connects in `true`).
const api = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
await new Promise((r) => api.once('listening', r));
const port = (api.address() as net.AddressInfo).port;
const sandboxes: Sandbox[] = [];
try {
  process.stdout.write(`sandbox overhead per command, ${runs} runs each (${os.cpus().length} cores)\n`);
  const env = { PATH: `${kubectlDir}:/usr/bin:/bin`, HOME: scratch };
  const plain = await measure('bash -c true (no sandbox)', () => direct('true', env));
  const offline = await createSandbox({ scratch, kubectlDir, kubeconfig: path.join(scratch, '.kubeconfig') });
  sandboxes.push(offline);
  const inside = await measure('sandbox, no API server: true', () => offline.run('true'));
  const created = performance.now();
  const online = await createSandbox({ scratch, kubectlDir, kubeconfig: path.join(scratch, '.kubeconfig'), apiServer: { host: '127.0.0.1', port } });
  process.stdout.write(`${'sandbox + API forwarder: createSandbox, once'.padEnd(48)} ${(performance.now() - created).toFixed(1).padStart(11)} ms\n`);
  sandboxes.push(online);
  const forwarded = await measure('sandbox + API forwarder: true', () => online.run('true'));
  const kubectl = await measure('kubectl version --client (no sandbox)', () => direct('kubectl version --client', env));
  const kubectlInside = await measure('kubectl version --client (sandbox + forwarder)', () => online.run('kubectl version --client'));
  process.stdout.write(`overhead: ${(inside - plain).toFixed(1)} ms per command without an API server, ${(forwarded - plain).toFixed(1)} ms with the API forwarder; `
    + `kubectl ${kubectl.toFixed(0)} → ${kubectlInside.toFixed(0)} ms (+${(((kubectlInside - kubectl) / kubectl) * 100).toFixed(0)}%)\n`);
} finally {
  for (const s of sandboxes) await s.dispose();
  api.close();
  await rm(scratch, { recursive: true, force: true });
}
