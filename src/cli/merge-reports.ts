// lesson-verify merge <dir>… [--out DIR] — the final CI job: one course index from the shards'.
// Each folder is searched for the course.json files of shards (download-artifact puts each
// artifact in a folder of its own); the merged index.html, index.md, course.json,
// course.junit.xml and timings.json go to DIR, linking to each lesson's report in its shard's
// folder. Exit code: the worst lesson's, as for a run over every lesson; 2 when nothing merges.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { HarnessError } from '../errors/harness-error.ts';
import { courseExitCode, courseHtml, courseJson, courseMarkdown, courseTerminalTable } from '../report/course-report.ts';
import { mergeCourses, mergeJunit, mergeTimings, parseCourseJson, type ShardIndex } from '../report/merge-course-reports.ts';

const usage = `usage: lesson-verify merge <shard folder>… [--out DIR]

  Merges the course indexes of sharded runs (lesson-verify lessons/ --shard i/n, each with its
  own reports folder) into one index in DIR (default reports/verify): index.html, index.md,
  course.json, course.junit.xml and timings.json. Folders are searched for course.json files.`;

/** A path as the user would type it: relative to here when below here, else absolute. */
const shown = (p: string): string => (path.relative(process.cwd(), p).startsWith('..') ? p : path.relative(process.cwd(), p) || '.');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: 'reports/verify' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (positionals.length === 0) throw new TypeError(`Expected the shards' report folders\n${usage}`);
  const out = path.resolve(values.out ?? 'reports/verify');
  const found = [...new Set((await Promise.all(positionals.map((dir) => courseFilesBelow(path.resolve(dir))))).flat())];
  if (found.length === 0) {
    throw new HarnessError(`no course.json below ${positionals.join(', ')}`, { fix: 'give the folders the shards wrote their reports to (lesson-verify … --shard i/n --out DIR), or where their artifacts were downloaded' });
  }
  const shards: ShardIndex[] = [];
  const junits: string[] = [];
  const timings: Record<string, number>[] = [];
  for (const file of found) {
    const dir = path.dirname(file);
    const course = parseCourseJson(await readFile(file, 'utf8'), file);
    // An earlier merge (its rows are the shards' rows again): not a shard.
    if (course.mergedFrom) {
      process.stderr.write(`skipping ${shown(file)}: an earlier merge, not a shard\n`);
      continue;
    }
    shards.push({ dir: path.relative(out, dir).split(path.sep).join('/'), course });
    const junit = await readFile(path.join(dir, 'course.junit.xml'), 'utf8').catch(() => undefined);
    if (junit !== undefined) junits.push(junit);
    const timing = await readFile(path.join(dir, 'timings.json'), 'utf8').catch(() => undefined);
    if (timing !== undefined) timings.push(JSON.parse(timing) as Record<string, number>);
    process.stderr.write(`shard ${shown(dir)}: ${shards.at(-1)?.course.lessons.length ?? 0} lesson(s)\n`);
  }
  if (shards.length === 0) throw new HarnessError(`only merged indexes below ${positionals.join(', ')}, no shard's course.json`, { fix: 'give the folders the shards wrote their reports to' });
  const { summary, rows } = mergeCourses(shards);
  const index = { ...JSON.parse(courseJson(summary, rows)) as object, mergedFrom: shards.map((s) => s.dir) };
  await mkdir(out, { recursive: true });
  await Promise.all([
    writeFile(path.join(out, 'index.html'), courseHtml(summary, rows)),
    writeFile(path.join(out, 'index.md'), courseMarkdown(summary, rows)),
    writeFile(path.join(out, 'course.json'), `${JSON.stringify(index, null, 2)}\n`),
    writeFile(path.join(out, 'course.junit.xml'), mergeJunit(junits, summary.durationMs)),
    writeFile(path.join(out, 'timings.json'), `${JSON.stringify(mergeTimings(timings), null, 2)}\n`),
  ]);
  process.stdout.write(`${courseTerminalTable(summary, rows)}merged ${shards.length} shard(s): ${path.join(shown(out), 'index.html')}, index.md, course.json, course.junit.xml, timings.json\n`);
  return courseExitCode(rows);
}

/** The course.json files at or below `dir`. */
async function courseFilesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new HarnessError(`cannot read the shard folder ${dir}: ${error.code ?? error.message}`, { fix: 'give existing folders' });
  });
  return entries
    .filter((e) => e.isFile() && e.name === 'course.json')
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error: unknown) => {
  const known = error instanceof HarnessError || error instanceof TypeError;
  process.stderr.write(`error: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(2);
});
