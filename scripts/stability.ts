// npm run test:stability — the lesson specs N times in a row (RUNS, default 10), each with its own
// fresh cluster; prints passes/runs and exits non-zero on any failure.
import { execa } from 'execa';
import { projectRoot } from '../src/config/project-root.ts';

const runs = Number(process.env.RUNS ?? 10);
let passes = 0;
for (let i = 1; i <= runs; i++) {
  const started = Date.now();
  const result = await execa('npx', ['mocha', '--config', '.mocharc.e2e.cjs', '--reporter', 'dot'], { cwd: projectRoot, all: true, reject: false });
  const ok = result.exitCode === 0;
  if (ok) passes++;
  process.stdout.write(`run ${i}/${runs}: ${ok ? 'pass' : 'FAIL'} in ${((Date.now() - started) / 1000).toFixed(0)} s${ok ? '' : `\n${String(result.all).split('\n').filter((l) => /failing|Error/.test(l)).slice(0, 5).join('\n')}`}\n`);
}
process.stdout.write(`passes/runs: ${passes}/${runs}\n`);
process.exit(passes === runs ? 0 : 1);
