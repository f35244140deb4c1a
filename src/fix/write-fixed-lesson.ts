// Writes the fixed lesson: `<name>.fixed.md` beside the lesson, or over it (`--fix=inplace`).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Finding } from '../findings/finding.ts';
import { fixLesson, type FixedLesson } from './fix-lesson.ts';

export type FixMode = 'beside' | 'inplace';

export const FIX_MODES: readonly FixMode[] = ['beside', 'inplace'];

/** Where `--fix` writes: `lessons/jobs.md` → `lessons/jobs.fixed.md`, or the lesson itself. */
export function fixedLessonPath(lessonPath: string, mode: FixMode): string {
  if (mode === 'inplace') return lessonPath;
  const ext = path.extname(lessonPath);
  return path.join(path.dirname(lessonPath), `${path.basename(lessonPath, ext)}.fixed${ext || '.md'}`);
}

export async function writeFixedLesson(lessonPath: string, findings: readonly Finding[], mode: FixMode): Promise<FixedLesson & { path: string }> {
  const source = await readFile(lessonPath, 'utf8');
  const target = fixedLessonPath(lessonPath, mode);
  const fixed = fixLesson(source, findings, { from: lessonPath, to: target });
  // Beside the lesson the file is written even when nothing changed, so a script can always verify it next.
  if (mode === 'beside' || fixed.text !== source) await writeFile(target, fixed.text);
  return { ...fixed, path: target };
}
