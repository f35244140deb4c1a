/**
 * The `<!-- <keyword>: … -->` comments of a piece of Markdown, found in linear time: each `<!--` is
 * looked at once, with a sticky regex for the keyword (a lazy /<!--…-->/g is quadratic on
 * unclosed comments, which a hostile lesson can be made of).
 */
import { LessonError } from './lesson-error.ts';

export interface KeywordComment {
  /** Lesson line of the `<!--`. */
  line: number;
  /** Offset in `content` of the `<!--` and of the text after the keyword's colon. */
  open: number;
  bodyStart: number;
  /** Offset of the closing `-->`. */
  close: number;
  /** The text between the keyword's colon and `-->`. */
  body: string;
}

export function keywordComments(content: string, startLine: number, keyword: string, file: string): KeywordComment[] {
  const prefix = new RegExp(`\\s*${keyword}:`, 'y');
  const found: KeywordComment[] = [];
  let line = startLine;
  let counted = 0;
  for (let open = content.indexOf('<!--'); open >= 0; open = content.indexOf('<!--', open + 4)) {
    for (let nl = content.indexOf('\n', counted); nl >= 0 && nl < open; nl = content.indexOf('\n', nl + 1)) line++;
    counted = open;
    prefix.lastIndex = open + 4;
    const matches = prefix.test(content);
    const close = content.indexOf('-->', open + 4);
    if (close < 0) {
      if (matches) throw new LessonError(file, line, `this <!-- ${keyword}: comment is never closed`, 'end it with --> (everything after it would be hidden from readers too)');
      return found;
    }
    if (matches) found.push({ line, open, bodyStart: prefix.lastIndex, close, body: content.slice(prefix.lastIndex, close) });
    // The next comment starts after this one ends (the loop adds 4 to find the next `<!--`).
    open = close - 1;
  }
  return found;
}
