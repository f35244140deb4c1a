// The lessons a course run covers: files as given, folders searched for Markdown (sorted, so every
// run and every shard sees the same order), nothing hidden or installed (node_modules).
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';

export async function expandLessonPaths(inputs: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (!info) throw new HarnessError(`no lesson file or folder ${input}`, { fix: 'give Markdown lessons or folders of them, e.g. lessons/ or lessons/kubernetes-jobs.md' });
    if (info.isDirectory()) found.push(...await markdownBelow(input));
    else found.push(input);
  }
  const unique = [...new Set(found)];
  if (unique.length === 0) throw new HarnessError(`no Markdown lesson in ${inputs.join(', ')}`, { fix: 'lessons are .md files; give their folder or the files' });
  return unique;
}

async function markdownBelow(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  const files: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...await markdownBelow(full));
    // <name>.fixed.md is what --fix wrote beside a lesson: a proposal to review, not a lesson of the course.
    else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name) && !/\.fixed\.(md|markdown)$/i.test(entry.name)) files.push(full);
  }
  return files;
}

/**
 * The lessons of shard `index` of `count` (1-based), stable across runs and machines. With the
 * durations of an earlier run (seconds by lesson path), the longest lessons are placed first, each
 * on the shard with the least work so far; lessons without a figure count as the median.
 */
export function shardLessons(lessons: string[], index: number, count: number, durations: Record<string, number> = {}): string[] {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new TypeError(`Expected --shard i/n with 1 ≤ i ≤ n, got ${index}/${count}`);
  }
  const known = Object.values(durations).filter((d) => d > 0).sort((a, b) => a - b);
  const median = known[Math.floor(known.length / 2)] ?? 1;
  const sorted = [...lessons].sort((a, b) => (durations[b] ?? median) - (durations[a] ?? median) || a.localeCompare(b));
  const load = Array.from({ length: count }, () => 0);
  const mine: string[] = [];
  for (const lesson of sorted) {
    const shard = load.indexOf(Math.min(...load));
    load[shard] = (load[shard] ?? 0) + (durations[lesson] ?? median);
    if (shard === index - 1) mine.push(lesson);
  }
  return lessons.filter((l) => mine.includes(l));
}
