#!/usr/bin/env node
// Package bin: runs the TypeScript CLI through tsx (no build step), forwarding arguments and the
// exit code. `lesson-verify merge …` joins the course indexes of sharded runs. It runs on the
// project's own Node 22 (npm package `node`) when the calling Node is older: the Kubernetes client
// and testcontainers need 22.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const major = Number(process.versions.node.split('.')[0]);
let node = process.execPath;
if (major < 22) {
  const bundled = path.join(path.dirname(require.resolve('node/package.json')), 'bin', 'node');
  if (!existsSync(bundled)) {
    process.stderr.write(`error: lesson-verify needs Node.js 22 or newer (this is ${process.version}).\n  fix: run \`npm ci\` in ${root} (it installs Node 22 for the project) or install Node 22.\n`);
    process.exit(2);
  }
  node = bundled;
}
const [first, ...rest] = process.argv.slice(2);
const [cli, args] = first === 'merge' ? ['src/cli/merge-reports.ts', rest] : ['src/cli/verify.ts', process.argv.slice(2)];
const child = spawn(node, ['--import', require.resolve('tsx'), path.join(root, cli), ...args], { stdio: 'inherit' });
// A signal sent to this process alone (a CI runner cancelling the job, `kill <pid>`) must reach the
// CLI, which stops the run, cleans up and exits 130/143. (A terminal's Ctrl-C reaches both; the CLI
// takes the copy that follows within a second for the same one.)
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.once('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : 1)));
