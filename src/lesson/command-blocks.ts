/**
 * Cuts one code block of a lesson into commands and the output printed after each, for the two
 * ways lessons write them:
 *  - a script block (```bash): every command a student types, no output inside;
 *  - a shell session (```console, or any block that starts with a prompt): `$ ` (or `user@host:~$ `,
 *    `controlplane $ `, and `# ` for root in session blocks) before each command, `> ` before its
 *    continuation lines, the output on the lines in between.
 * Line numbers are 1-based lesson lines.
 */
import { isCompleteCommand } from './shell-syntax.ts';

export interface BlockCommand {
  line: number;
  command: string;
  outputs: { line: number; text: string }[];
}

/** `$ cmd`, `user@host:~/dir$ cmd`, `controlplane $ cmd`, `[root@host ~]# cmd` (root prompts only where allowed). */
const DOLLAR_PROMPT = /^\s*(?:[\w.-]+@[\w.-]+(?::[^\s$]*)?|\[[^\]\n]+\]|[\w.-]+(?= \$ ))?\s?\$(?: (.*)|$)/;
const ROOT_PROMPT = /^\s*(?:[\w.-]+@[\w.-]+(?::[^\s#]*)?|\[[^\]\n]+\])?\s?# (.*)$/;
/** A `# …` line is a root prompt, not a comment, only when a command follows it. */
const COMMAND_WORD = /^(?:kubectl|k|cat|echo|export|cd|ls|curl|wget|watch|sleep|helm|kind|minikube|mkdir|rm|cp|mv|touch|base64|jq|grep|sed|awk|head|tail|printf|env|unset|alias|source|for|while|until|if|sudo|docker|crictl|systemctl|journalctl|openssl|nslookup|ping|apt|apt-get|yum|chmod|tee|diff)\b/;
const CONTINUATION_PROMPT = /^\s*> ?/;
const SESSION_LANGS = new Set(['console', 'shell-session', 'terminal', 'sh-session', 'bash-session', 'session']);

export function isPromptLine(line: string, allowRoot: boolean): boolean {
  return promptedCommand(line, allowRoot) !== undefined;
}

function promptedCommand(line: string, allowRoot: boolean): string | undefined {
  const dollar = DOLLAR_PROMPT.exec(line);
  if (dollar) return dollar[1] ?? '';
  const root = allowRoot ? ROOT_PROMPT.exec(line) : null;
  if (root?.[1] && COMMAND_WORD.test(root[1])) return root[1];
  return undefined;
}

/** A session block: its first line that is not blank is a prompt. */
export function isSessionBlock(text: string, lang: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '');
  return first !== undefined && isPromptLine(first, SESSION_LANGS.has(lang));
}

export function splitCommandBlock(text: string, firstLine: number, lang: string): BlockCommand[] {
  const lines = text.replace(/\n$/, '').split('\n');
  return isSessionBlock(text, lang) ? splitSession(lines, firstLine, SESSION_LANGS.has(lang)) : splitScript(lines, firstLine);
}

function splitScript(lines: string[], firstLine: number): BlockCommand[] {
  const commands: BlockCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    if (raw.trim() === '' || raw.trim().startsWith('#')) continue;
    const start = i;
    let command = raw;
    while (!isCompleteCommand(command) && i + 1 < lines.length) command += `\n${lines[++i] ?? ''}`;
    commands.push({ line: firstLine + start, command: tidy(command), outputs: [] });
  }
  return commands;
}

function splitSession(lines: string[], firstLine: number, allowRoot: boolean): BlockCommand[] {
  const commands: BlockCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const typed = promptedCommand(raw, allowRoot);
    if (typed === undefined) {
      const last = commands.at(-1);
      if (!last) continue;
      const out = last.outputs.at(-1);
      if (out && out.line + out.text.split('\n').length === firstLine + i) out.text += `\n${raw}`;
      else if (raw.trim() !== '' || out) last.outputs.push({ line: firstLine + i, text: raw });
      continue;
    }
    if (typed.trim() === '' || typed.trim().startsWith('#')) continue;
    const start = i;
    let command = typed;
    while (!isCompleteCommand(command) && i + 1 < lines.length) {
      // Continuation lines may carry the shell's secondary prompt; heredoc bodies are taken as typed.
      const next = lines[++i] ?? '';
      command += `\n${CONTINUATION_PROMPT.test(next) ? next.replace(CONTINUATION_PROMPT, '') : next}`;
    }
    commands.push({ line: firstLine + start, command: tidy(command), outputs: [] });
  }
  for (const c of commands) {
    // Blank lines around an output are layout, not output.
    c.outputs = c.outputs.map((o) => ({ ...o, text: o.text.replace(/\n+$/, '') })).filter((o) => o.text.trim() !== '');
  }
  return commands;
}

/**
 * Leading and trailing blank space is layout. `\` + newline continues the line, as in the shell,
 * so it becomes one space (reports show one line); a heredoc's body is kept exactly as typed.
 */
function tidy(command: string): string {
  const trimmed = command.replace(/^\s+/, '').replace(/\s+$/, '');
  return /<<-?\s*\\?['"]?[\w.-]/.test(trimmed) ? trimmed : trimmed.replace(/[ \t]*\\\n\s*/g, ' ');
}
