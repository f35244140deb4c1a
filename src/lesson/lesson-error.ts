/**
 * A lesson that cannot be verified as written. The message always names `file:line` first (so
 * editors and CI annotations can jump to it), then the problem, then how to fix it.
 */
export class LessonError extends Error {
  override readonly name = 'LessonError';

  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}:${line}: ${problem}. Fix: ${fix}`, options);
  }
}
