// npm run bench:verify [-- lesson.md …] — per lesson, lesson-verify's wall time next to the time a
// student would wait: the cluster start plus what each command took to show its documented output
// (the command's own run and the cluster's catching up, which the student waits for too).
// Goal: verify ≤ 1.2 × student. One cluster for all lessons, lessons one after another.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { resolveProvider } from '../src/cluster-providers/resolve-provider.ts';
import { projectRoot } from '../src/config/project-root.ts';
import { allFindings } from '../src/report/verification-report.ts';
import { verifyLesson } from '../src/verify/verify-lesson.ts';

const given = process.argv.slice(2);
const lessonsDir = path.join(projectRoot, 'lessons');
const lessons = given.length ? given : (await readdir(lessonsDir)).filter((f) => f.endsWith('.md')).sort().map((f) => path.join(lessonsDir, f));

const { provider } = await resolveProvider({ provider: process.env.LESSON_HARNESS_PROVIDER ?? 'local' });
const startBegan = Date.now();
const cluster = await provider.start({ log: () => undefined });
const clusterStart = (Date.now() - startBegan) / 1000;
process.stdout.write(`cluster ${cluster.provider} ${cluster.version} started in ${clusterStart.toFixed(1)} s\n\n`);
process.stdout.write(`${'lesson'.padEnd(34)} ${'verify'.padStart(8)} ${'student'.padStart(8)} ${'ratio'.padStart(6)}  errors  goal ≤ 1.2\n`);
let met = 0;
try {
  for (const lesson of lessons) {
    // Progress on stderr, one line per exercise, so the table on stdout stays readable.
    const report = await verifyLesson({ lessonPath: lesson, cluster, log: (line) => { if (line.startsWith('\n▶')) process.stderr.write(`  ${path.basename(lesson)}: ${line.slice(3)}\n`); } });
    const commands = report.exercises.flatMap((e) => e.commands).reduce((sum, c) => sum + (c.durationMs ?? 0), 0) / 1000;
    const verify = clusterStart + report.durationMs / 1000;
    const student = clusterStart + commands;
    const ratio = verify / student;
    if (ratio <= 1.2) met++;
    const errors = allFindings(report).filter((f) => f.severity === 'error').length;
    process.stdout.write(`${path.basename(lesson).padEnd(34)} ${verify.toFixed(1).padStart(7)}s ${student.toFixed(1).padStart(7)}s ${ratio.toFixed(2).padStart(6)}  ${String(errors).padStart(6)}  ${ratio <= 1.2 ? 'met' : 'NOT met'}\n`);
  }
} finally {
  await cluster.stop();
}
process.stdout.write(`\n${met}/${lessons.length} lessons within 1.2 × the student's time\n`);
