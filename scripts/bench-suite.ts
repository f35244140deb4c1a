// npm run bench:suite — wall time of the lesson specs (npm run test:e2e, for real) next to their
// floor: the slowest exercise's own duration in the same run, plus the cluster start. The goal
// is wall ≤ 1.3 × floor + cluster start: exercises run concurrently, so the suite should cost
// little more than its slowest exercise.
import { execa } from 'execa';
import { projectRoot } from '../src/config/project-root.ts';

const started = Date.now();
const run = await execa('npx', ['mocha', '--config', '.mocharc.e2e.cjs'], { cwd: projectRoot, all: true, reject: false });
const wall = (Date.now() - started) / 1000;
const output = String(run.all ?? '');
const clusterStart = Number(/cluster ready in ([\d.]+) s/.exec(output)?.[1] ?? NaN);
const exercises = [...output.matchAll(/\[([\w-]+)\] finished in ([\d.]+) s/g)].map((m) => ({ name: m[1] ?? '', seconds: Number(m[2]) }));
const slowest = exercises.reduce((a, b) => (b.seconds > a.seconds ? b : a), { name: 'none', seconds: 0 });
const goal = 1.3 * slowest.seconds + clusterStart;
const passing = /(\d+) passing/.exec(output)?.[1] ?? '0';
const failing = /(\d+) failing/.exec(output)?.[1] ?? '0';

process.stdout.write(`lesson suite benchmark (${passing} passing, ${failing} failing)\n`);
for (const e of exercises) process.stdout.write(`  exercise ${e.name.padEnd(10)} ${e.seconds.toFixed(1).padStart(6)} s\n`);
process.stdout.write(`  cluster start        ${clusterStart.toFixed(1).padStart(6)} s\n`);
process.stdout.write(`  floor (slowest: ${slowest.name}) ${slowest.seconds.toFixed(1).padStart(6)} s\n`);
process.stdout.write(`  suite wall time      ${wall.toFixed(1).padStart(6)} s (includes mocha and tsx start-up)\n`);
process.stdout.write(`  goal 1.3 × floor + cluster start = ${goal.toFixed(1)} s → ${wall <= goal ? 'met' : 'NOT met'}\n`);
process.exit(run.exitCode ?? 1);
