/**
 * Just enough shell syntax to cut a lesson's code block into the commands a student types one at
 * a time: a command goes on while a line ends in `\`, `|`, `&&` or `||`, while a quote, `$(`, a
 * group or a `for … done` / `if … fi` / `case … esac` is open, and while a heredoc has not reached
 * its terminator. Bash itself runs the text; this only decides where one command ends.
 */

const OPENERS: Record<string, string> = { do: 'done', if: 'fi', case: 'esac', '{': '}' };
const CLOSERS = new Set(Object.values(OPENERS));

/** Heredoc terminators (`<<EOF`, `<<-'EOF'`, `<< "EOF"`) still waiting for their line, in order. */
export function pendingHeredocs(text: string): string[] {
  return scanHeredocs(text).pending;
}

/** True when `text` is a whole command; false when the student would still be typing it. */
export function isCompleteCommand(text: string): boolean {
  if (pendingHeredocs(text).length > 0) return false;
  const code = scanHeredocs(text).code;
  let quote: '' | "'" | '"' | '`' = '';
  let parens = 0;
  const words: string[] = [];
  let word = '';
  const flush = (): void => {
    if (word) words.push(word);
    word = '';
  };
  for (let i = 0; i < code.length; i++) {
    const c = code[i] ?? '';
    if (quote) {
      if (c === '\\' && quote !== "'") i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '\\') {
      i++;
      word += 'x';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') {
      quote = c;
      word += 'x';
      continue;
    }
    if (c === '#' && word === '') {
      // A comment runs to the end of the line.
      while (i + 1 < code.length && code[i + 1] !== '\n') i++;
      continue;
    }
    if (c === '(' ) parens++;
    else if (c === ')') parens = Math.max(0, parens - 1);
    if (/[\s;&|()]/.test(c)) {
      flush();
      if (c === '\n' || c === ';') words.push(';');
      continue;
    }
    word += c;
  }
  flush();
  if (quote || parens > 0) return false;
  if (/\\\n?$/.test(code) && !/\\\\\n?$/.test(code)) return false;
  if (/(\|\||&&|\|)\s*$/.test(stripQuotedAndComments(code.split('\n').at(-1) ?? ''))) return false;
  // Keywords count only where a command starts (after ; or a newline), as the shell reads them.
  const stack: string[] = [];
  words.forEach((w, i) => {
    // Braces count wherever they stand alone (`f() {`); `${x}` is never a word of its own.
    const atStart = i === 0 || words[i - 1] === ';' || ['then', 'do', 'else', '{', 'in'].includes(words[i - 1] ?? '') || w === '{' || w === '}' || w === 'do';
    if (!atStart) return;
    const close = OPENERS[w];
    if (close) stack.push(close);
    else if (CLOSERS.has(w) && stack.at(-1) === w) stack.pop();
  });
  return stack.length === 0;
}

/** The line without quoted strings and without a trailing comment (for scanning operators). */
function stripQuotedAndComments(line: string): string {
  return line.replace(/'[^']*'|"(?:\\.|[^"\\])*"/g, '""').replace(/(^|\s)#.*$/, '$1');
}

/** Splits a text into its shell code (heredoc bodies left out) and the terminators not yet seen. */
function scanHeredocs(text: string): { code: string; pending: string[] } {
  const code: string[] = [];
  const pending: { word: string; dash: boolean }[] = [];
  for (const line of text.split('\n')) {
    const first = pending[0];
    if (first) {
      if ((first.dash ? line.replace(/^\t+/, '') : line).trim() === first.word) pending.shift();
      continue;
    }
    code.push(line);
    for (const m of line.replace(/(^|\s)#.*$/, '$1').matchAll(/<<(-?)\s*\\?(['"]?)([\w.-]+)\2/g)) {
      // `<<<` is a here-string, not a heredoc.
      if (line[(m.index ?? 0) + 2] === '<' || line[(m.index ?? 0) - 1] === '<') continue;
      pending.push({ word: m[3] ?? '', dash: m[1] === '-' });
    }
  }
  return { code: code.join('\n'), pending: pending.map((p) => p.word) };
}
