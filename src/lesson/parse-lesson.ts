/**
 * Turns a lesson (Markdown) into the ordered steps a student follows: files to create, commands to
 * run with the output the lesson promises, and `<!-- expect: -->` annotations. Line numbers are
 * 1-based lesson lines so every finding can point the author at the line to edit.
 */
import { basename, normalize } from 'node:path';
import MarkdownIt from 'markdown-it';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { defaults } from '../config/defaults.ts';
import type { Finding } from '../findings/finding.ts';
import { checkFileName } from '../sandbox/file-names.ts';
import { parseAnnotation, type Claim } from './annotations.ts';
import { isSessionBlock, splitCommandBlock } from './command-blocks.ts';
import { isExampleCopy, localiseExampleUrls } from './example-urls.ts';
import { EXAMPLES_FIX, type ExamplesFolder } from './examples-folder.ts';
import { expandShortcodes, hasShortcodes, type ShortcodeInsert } from './hugo-shortcodes.ts';
import { keywordComments } from './html-comments.ts';
import { LessonError } from './lesson-error.ts';
import { markersIn, type BlockOptions } from './markers.ts';

/** `line` is the first line of the step's own text (not its fence), i.e. the line an author edits. */
export interface LessonStep {
  line: number;
}

export interface FileStep extends LessonStep {
  kind: 'file';
  fileName: string;
  content: string;
  /**
   * Where the name came from. 'metadata-name' (`<metadata.name>.yaml`) is a last resort for a
   * manifest that is neither named in the prose nor applied by file name afterwards. 'example' is
   * the scratch copy of a docs site's example a command applies by URL (not shown on the page).
   */
  nameSource: 'prose' | 'next-apply' | 'metadata-name' | 'example';
  /** The docs site's example file this step was read from (`{{% code_sample %}}` or an example URL). */
  example?: string;
  /** Line of the prose that named the file (nameSource 'prose'). */
  nameLine?: number;
}

export interface CommandStep extends LessonStep {
  kind: 'command';
  command: string;
  outputs: DocumentedOutput[];
  /** Commands of one code block share a number: an output fence after it may show all of their output. */
  block: number;
  /** What `<!-- verify: … -->` markers say about this command's block. */
  options: BlockOptions;
  /** A command of a `<!-- verify: setup -->` marker: run, never compared, not shown to students. */
  hidden?: boolean;
  /** It applies an example URL with no local file: not run (the problem is in `Lesson.exampleProblems`). */
  missingExample?: boolean;
}

/** `line` is the first line of the output text inside the fence. */
export interface DocumentedOutput {
  line: number;
  text: string;
}

export interface Annotation extends LessonStep {
  kind: 'annotation';
  /** The comment text after `expect:`. */
  expression: string;
  expectations: Claim[];
}

export type Step = FileStep | CommandStep | Annotation;

export interface Exercise {
  title: string;
  /** Line of the heading (1 for steps before the first `##`/`###` heading). */
  line: number;
  steps: Step[];
}

export interface Lesson {
  file: string;
  title: string;
  exercises: Exercise[];
  /** Commands of `<!-- verify: cleanup -->` markers, run when the lesson ends. */
  cleanup: CommandStep[];
  /** Includes and example URLs of a docs page whose file is not in the examples folder. */
  exampleProblems: ExampleProblem[];
  /** The examples folder the page's includes and example URLs were read from, and how it was found. */
  examples?: { dir: string; origin: string };
}

/** An example a page uses that cannot be read: a finding at its line, and the step is not run. */
export interface ExampleProblem {
  line: number;
  /** What the page does there: the shortcode or the command. */
  lessonSays: string;
  problem: string;
  fix: string;
}

export interface ParseOptions {
  /** The docs site's examples folder (src/lesson/examples-folder.ts); without it includes and example URLs are findings. */
  examples?: ExamplesFolder;
}

export interface ManifestBlock {
  exerciseTitle: string;
  fileName: string;
  line: number;
  content: string;
}

const COMMAND_LANGS = new Set(['bash', 'sh', 'shell', 'console', 'zsh', 'terminal', 'shell-session', 'sh-session', 'bash-session', 'session', 'shellsession']);
const YAML_LANGS = new Set(['yaml', 'yml']);
const OUTPUT_LANGS = new Set(['', 'text', 'txt', 'output', 'plaintext', 'plain', 'none', 'log', 'json']);
/** `-o yaml`, `--output=json`…: a YAML or JSON fence right after such a command is its output. */
const PRINTS_DOCUMENT = /(?:\s-o\s*|\s--output[= ])(?:yaml|json)\b/;

const markdown = new MarkdownIt({ html: true });

export function parseLesson(source: string, file: string, options: ParseOptions = {}): Lesson {
  const { maxBytes, maxCommands } = defaults.lesson;
  if (source.length > maxBytes) {
    throw new LessonError(file, 1, `the lesson is ${source.length} characters long, more than the limit of ${maxBytes}`, 'split it into several lessons (a lesson is parsed and run whole; see defaults.lesson in src/config/defaults.ts)');
  }
  const { body: page, title: frontMatterTitle } = stripFrontMatter(source);
  // A docs-site page: shortcodes become steps at their own lines (the text keeps every line).
  const { body, inserts } = hasShortcodes(page) ? expandShortcodes(page, file) : { body: page, inserts: [] };
  const tokens = markdown.parse(body, {});
  const exampleProblems: ExampleProblem[] = [];
  let h1: string | undefined;
  const exercises: Exercise[] = [];
  let current: Exercise = { title: '', line: 1, steps: [] };
  // Paragraphs since the last step: a file name in them names the next YAML block.
  let prose: { text: string; line: number }[] = [];
  let lastCommand: CommandStep | undefined;
  let quoteDepth = 0;
  let blocks = 0;
  // Options of the last `<!-- verify: … -->` marker, for the next code block.
  let pending: BlockOptions = {};
  const cleanup: CommandStep[] = [];

  const startExercise = (title: string, line: number) => {
    if (current.steps.length > 0) exercises.push(current);
    current = { title, line, steps: [] };
    prose = [];
    lastCommand = undefined;
  };

  tokens.forEach((token, i) => {
    const startLine = (token.map?.[0] ?? 0) + 1;
    if (token.map) flushInserts(startLine);
    switch (token.type) {
      case 'blockquote_open':
        quoteDepth++;
        return;
      case 'blockquote_close':
        quoteDepth--;
        return;
      case 'heading_open': {
        const text = tokens[i + 1]?.content.trim() ?? '';
        if (token.tag === 'h1') h1 ??= text;
        else if (token.tag === 'h2' || token.tag === 'h3') startExercise(text, startLine);
        return;
      }
      case 'html_block':
      case 'inline':
        current.steps.push(...annotationsIn(token.content, startLine, file));
        for (const marker of markersIn(token.content, startLine, file)) {
          if (marker.kind === 'block') {
            pending = { ...pending, ...marker.options };
            continue;
          }
          const block = ++blocks;
          const steps = splitCommandBlock(marker.script, marker.scriptLine, 'bash').flatMap((c) => commandSteps({
            kind: 'command', line: c.line, command: c.command, outputs: [], block, options: { ignoreOutput: true }, hidden: true,
          }));
          if (marker.kind === 'setup') current.steps.push(...steps);
          else {
            // An example's copy is written here already, so the clean-up at the end finds it.
            current.steps.push(...steps.filter((s) => s.kind === 'file'));
            cleanup.push(...steps.filter((s): s is CommandStep => s.kind === 'command'));
          }
        }
        if (token.type === 'inline' && tokens[i - 1]?.type === 'paragraph_open') {
          prose.push({ text: token.content, line: startLine });
        }
        return;
      case 'fence':
        handleFence(token.info, token.content, startLine);
        return;
    }
  });
  flushInserts(Infinity);
  startExercise('', 0);

  /** Steps of the shortcodes above `line`, in page order among the Markdown's own. */
  function flushInserts(line: number): void {
    while (inserts[0] && inserts[0].line < line) handleInsert(inserts.shift() as ShortcodeInsert);
  }

  function handleInsert(insert: ShortcodeInsert): void {
    if (insert.kind === 'code') {
      handleFence(insert.lang, `${insert.text}\n`, insert.contentLine - 1);
      return;
    }
    if (insert.kind === 'command') {
      const options = pending;
      pending = {};
      if (options.skip) return;
      const step: CommandStep = { kind: 'command', line: insert.line, command: insert.command, outputs: insert.output ? [insert.output] : [], block: ++blocks, options };
      current.steps.push(...commandSteps(step));
      lastCommand = step;
      prose = [];
      return;
    }
    const shown = insert.source;
    if (!options.examples) {
      exampleProblems.push({ line: insert.line, lessonSays: shown, problem: `no examples folder to read ${insert.file} from`, fix: EXAMPLES_FIX });
      return;
    }
    const read = options.examples.read(insert.file);
    if (!read.ok) {
      if (read.refused) throw new LessonError(file, insert.line, read.problem, read.fix);
      exampleProblems.push({ line: insert.line, lessonSays: shown, problem: read.problem, fix: read.fix });
      return;
    }
    const lang = insert.lang ?? insert.file.replace(/^.*\./, '');
    if (!YAML_LANGS.has(lang.toLowerCase()) && lang.toLowerCase() !== 'json') return;
    try {
      if (!checkManifest(read.content, 1, read.path)) return;
    } catch (error) {
      // The example's own line is in the message; the page's line is where the author looks.
      if (error instanceof LessonError) throw new LessonError(file, insert.line, `${insert.file}:${error.line}: ${error.problem}`, error.fix, { cause: error });
      throw error;
    }
    current.steps.push({ kind: 'file', line: insert.line, fileName: '', content: withNewline(read.content), nameSource: 'next-apply', example: insert.file });
    prose = [];
    lastCommand = undefined;
  }

  /**
   * The command as it runs: an example URL after `-f` becomes a copy of the local example, written
   * just before it; one with no local file makes the command a finding instead of a network attempt.
   */
  function commandSteps(step: CommandStep): Step[] {
    const { command, uses } = localiseExampleUrls(step.command);
    if (uses.length === 0) return [step];
    const copies: FileStep[] = [];
    for (const use of uses) {
      const read = options.examples?.read(use.example);
      if (read?.ok) {
        copies.push({ kind: 'file', line: step.line, fileName: use.copy, content: withNewline(read.content), nameSource: 'example', example: use.example });
        continue;
      }
      if (read?.refused) throw new LessonError(file, step.line, read.problem, read.fix);
      step.missingExample = true;
      exampleProblems.push({
        line: step.line, lessonSays: step.command,
        problem: read ? `${use.url}: ${read.problem}` : `${use.url} names the example ${use.example}, and there is no examples folder to read it from (the sandbox has no internet)`,
        fix: read ? read.fix : EXAMPLES_FIX,
      });
    }
    if (step.missingExample) return [step];
    step.command = command;
    return [...copies, step];
  }

  function handleFence(rawInfo: string, content: string, fenceLine: number): void {
    const info = fenceInfo(rawInfo);
    const lang = info.lang;
    const contentLine = fenceLine + 1;
    const text = content.replace(/\n$/, '');
    const options = pending;
    pending = {};
    if (options.skip) return;
    const isCommands = COMMAND_LANGS.has(lang) || (OUTPUT_LANGS.has(lang) && quoteDepth === 0 && isSessionBlock(text, lang));
    const printsDocument = lastCommand !== undefined && lastCommand.outputs.length === 0 && PRINTS_DOCUMENT.test(lastCommand.command);
    if (!isCommands && (quoteDepth > 0 || OUTPUT_LANGS.has(lang) || (YAML_LANGS.has(lang) && printsDocument))) {
      // Output belongs to the command before it; an output block with no command is prose.
      if (lastCommand && text.trim() !== '') lastCommand.outputs.push({ line: contentLine, text });
      return;
    }
    if (YAML_LANGS.has(lang) && !info.words.includes('fragment')) {
      if (!checkManifest(content, contentLine, file)) return;
      const named = options.fileName ?? info.fileName;
      const fromProse = named ? undefined : fileNameFromProse(prose);
      const step: FileStep = named
        ? { kind: 'file', line: contentLine, fileName: named, content, nameSource: 'prose', nameLine: fenceLine }
        : fromProse
          ? { kind: 'file', line: contentLine, fileName: fromProse.name, content, nameSource: 'prose', nameLine: fromProse.line }
          : { kind: 'file', line: contentLine, fileName: '', content, nameSource: 'next-apply' };
      current.steps.push(step);
      prose = [];
      lastCommand = undefined;
      return;
    }
    if (isCommands) {
      const block = ++blocks;
      for (const c of splitCommandBlock(text, contentLine, lang)) {
        const step: CommandStep = { kind: 'command', line: c.line, command: c.command, outputs: c.outputs, block, options };
        current.steps.push(...commandSteps(step));
        lastCommand = step;
      }
      prose = [];
    }
  }

  const lesson: Lesson = { file, title: frontMatterTitle ?? h1 ?? basename(file, '.md'), exercises, cleanup, exampleProblems,
    ...(options.examples && hasExamples(exercises) ? { examples: { dir: options.examples.dir, origin: options.examples.origin } } : {}) };
  for (const exercise of exercises) if (exercise.title === '') exercise.title = lesson.title;
  nameFilesFromApplies(lesson);
  const commands = exercises.flatMap((e) => e.steps).filter((s) => s.kind === 'command');
  const over = commands[maxCommands];
  if (over) throw new LessonError(file, over.line, `more than ${maxCommands} commands (${commands.length})`, 'split the lesson; each command runs on a cluster and costs seconds');
  // Refused before any cluster starts: the harness would write these files outside the working directory.
  for (const step of exercises.flatMap(fileSteps)) {
    const check = checkFileName(step.fileName);
    if (!check.ok) throw new LessonError(file, step.nameLine ?? step.line, check.problem, check.fix);
  }
  const runnable = exercises.some((e) => e.steps.some((s) => s.kind !== 'annotation')) || exampleProblems.length > 0;
  if (!runnable) {
    throw new LessonError(file, 1, 'nothing to verify: the lesson has no ```yaml manifest and no ```bash command', 'add fenced ```yaml and ```bash blocks (other fence languages are not run)');
  }
  return lesson;
}

/** Every manifest of the lesson, used to check manifests/*.yaml against the lesson text. */
export function manifestBlocks(lesson: Lesson): ManifestBlock[] {
  return lesson.exercises.flatMap((exercise) =>
    fileSteps(exercise).map((s) => ({ exerciseTitle: exercise.title, fileName: s.fileName, line: s.line, content: s.content })),
  );
}

/**
 * Static check, no cluster needed: a file the prose tells the student to create but a different
 * file applied right after it (the student's apply fails with "path does not exist").
 */
export function fileNameFindings(lesson: Lesson): Finding[] {
  const findings: Finding[] = [];
  for (const exercise of lesson.exercises) {
    exercise.steps.forEach((step, i) => {
      if (step.kind !== 'file' || step.nameSource !== 'prose') return;
      const apply = nextApply(exercise.steps.slice(i + 1));
      // A page that shows a manifest and applies the site's copy by URL means that same file.
      if (!apply || normalize(apply.file) === normalize(step.fileName) || isExampleCopy(apply.file)) return;
      // Rename where the name is used once: the file in the prose, unless a later command uses the prose's name too.
      const laterUse = exercise.steps.slice(i + 1).some((s) => s.kind === 'command' && s !== apply.step && hasWord(s.command, step.fileName));
      findings.push({
        severity: 'error',
        file: lesson.file,
        line: apply.step.line,
        exercise: exercise.title,
        title: `file name mismatch: the lesson creates ${step.fileName} but applies ${apply.file}`,
        lessonSays: `line ${step.nameLine ?? step.line}: create ${step.fileName}; line ${apply.step.line}: ${apply.step.command}`,
        clusterDid: `a student's command fails: error: the path "${apply.file}" does not exist`,
        suggestion: `Rename the file to ${apply.file} (line ${step.nameLine ?? step.line}) or apply ${step.fileName} (line ${apply.step.line}).`,
        fix: [laterUse
          ? { kind: 'word', line: apply.step.line, from: apply.file, to: step.fileName }
          : { kind: 'word', line: step.nameLine ?? step.line, from: step.fileName, to: apply.file }],
      });
    });
  }
  return findings;
}

/** `word` stands alone in `text` (not part of a longer file name). */
export function hasWord(text: string, word: string): boolean {
  return wordPattern(word).test(text);
}

/** A file name or marker word, bounded by anything that cannot be part of it. */
export function wordPattern(word: string, flags = ''): RegExp {
  return new RegExp(`(?<![\\w./=-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w./-])`, flags);
}

function fileSteps(exercise: Exercise): FileStep[] {
  return exercise.steps.filter((s): s is FileStep => s.kind === 'file');
}

// Jekyll/Hugo front matter would otherwise parse as a setext `##` heading; blank it, keep lines.
// Hugo also writes it in TOML between `+++` lines.
function stripFrontMatter(source: string): { body: string; title?: string } {
  const match = /^---\r?\n([\s\S]*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|$)/.exec(source) ?? /^\+\+\+\r?\n([\s\S]*?)\r?\n\+\+\+[ \t]*(?:\r?\n|$)/.exec(source);
  if (!match) return { body: source };
  const blank = match[0].replace(/[^\n]/g, '');
  let title: string | undefined;
  try {
    const toml = match[0].startsWith('+++') ? /^title\s*=\s*"((?:[^"\\]|\\.)*)"/m.exec(match[1] ?? '')?.[1] : undefined;
    const data: unknown = match[0].startsWith('+++') ? { title: toml } : parseYaml(match[1] ?? '');
    if (data && typeof data === 'object' && 'title' in data && typeof data.title === 'string') title = data.title;
  } catch {
    // Malformed front matter is the site generator's problem; the lesson body is still checkable.
  }
  return { body: blank + source.slice(match[0].length), ...(title === undefined ? {} : { title }) };
}

function annotationsIn(content: string, startLine: number, file: string): Annotation[] {
  if (!content.includes('expect:')) return [];
  return keywordComments(content, startLine, 'expect', file).map((c) => ({
    kind: 'annotation', line: c.line, expression: c.body.trim(), expectations: parseAnnotation(content.slice(c.open, c.close + 3), c.line, file),
  }));
}

/** Throws on YAML a student's kubectl would refuse; false for an excerpt (neither apiVersion nor kind). */
function checkManifest(content: string, firstLine: number, file: string): boolean {
  const lineAt = (offset: number) => firstLine + (content.slice(0, offset).match(/\n/g)?.length ?? 0);
  for (const doc of parseAllDocuments(content)) {
    const error = doc.errors[0];
    if (error) {
      // The parser places some errors (an unclosed quote) just past the end: keep them inside.
      const lastLine = lineAt(content.replace(/\n$/, '').length);
      const line = Math.min(error.linePos ? firstLine + error.linePos[0].line - 1 : lineAt(error.pos[0]), lastLine);
      const reason = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
      throw new LessonError(file, line, `YAML does not parse: ${reason}`, 'correct the YAML (indentation, a missing ":" or an unclosed quote); kubectl would reject it too', { cause: error });
    }
    if (doc.contents === null) continue;
    const manifest: unknown = toJsBounded(doc, lineAt(doc.range[0]), file);
    const missing = ['apiVersion', 'kind'].filter((k) => !(manifest && typeof manifest === 'object' && k in manifest));
    // A lone excerpt ("set spec.replicas: 5") is prose, not a file: it has neither field.
    if (missing.length === 2 && parseAllDocuments(content).length === 1) return false;
    if (missing.length > 0) {
      throw new LessonError(file, lineAt(doc.contents.range?.[0] ?? doc.range[0]), `YAML document has no ${missing.join(' and ')}`, 'add e.g. "apiVersion: batch/v1" and "kind: Job"; if the block is only an excerpt, open it with ```yaml fragment so it is not applied');
    }
  }
  return true;
}

/** The language and attributes of a fence: ```yaml title="job.yaml"```, ```{.bash}```, ```shell {linenos=true}```. */
function fenceInfo(raw: string): { lang: string; words: string[]; fileName?: string } {
  const words = raw.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const lang = (words[0] ?? '').replace(/^\{?\.?/, '').replace(/[},]$/, '');
  const named = /\b(?:title|file|filename|name)\s*=\s*["']?([\w./-]+\.(?:ya?ml|json))/i.exec(raw)?.[1];
  return { lang, words, ...(named ? { fileName: named } : {}) };
}

/** A YAML "billion laughs" (aliases of aliases) would expand exponentially: refuse past a few aliases. */
function toJsBounded(doc: ReturnType<typeof parseAllDocuments>[number], line: number, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: defaults.lesson.maxYamlAliases });
  } catch (error) {
    throw new LessonError(file, line, `YAML document uses its aliases (*name) too often: ${(error as Error).message}`, `write the values out; a manifest needs no more than ${defaults.lesson.maxYamlAliases} alias expansions`, { cause: error });
  }
}

function fileNameFromProse(paragraphs: { text: string; line: number }[]): { name: string; line: number } | undefined {
  for (const p of [...paragraphs].reverse()) {
    const quoted = [...p.text.matchAll(/`([^`\s]+\.ya?ml)`/g)].map((m) => m[1]);
    // A bare word counts only in a sentence about naming, so "unlike job-1.yaml" does not.
    const bare = /\b(file|call|called|name|named|save|saved|create|as)\b/i.test(p.text)
      ? [...p.text.matchAll(/(?:^|[\s"'(])([\w./-]+\.ya?ml)\b/g)].map((m) => m[1])
      : [];
    const name = [...quoted, ...bare].at(-1);
    // The line the name is on (a paragraph may span lines), so a fix can rename it there.
    if (name) return { name, line: p.line + (p.text.slice(0, p.text.lastIndexOf(name)).match(/\n/g)?.length ?? 0) };
  }
  return undefined;
}

/** The file of the first `kubectl apply|create -f FILE` among the steps, stopping at the next file. */
function nextApply(steps: Step[]): { file: string; step: CommandStep } | undefined {
  for (const step of steps) {
    // An example URL's copy is written just before its apply: not the next file of the page.
    if (step.kind === 'file' && step.nameSource !== 'example') return undefined;
    if (step.kind !== 'command') continue;
    const file = appliedFile(step.command);
    if (file) return { file, step };
  }
  return undefined;
}

export function appliedFile(command: string): string | undefined {
  for (const simple of command.replace(/\\\n/g, ' ').split(/&&|\|\||[;|\n]/)) {
    const words = simple.trim().split(/\s+/);
    const k = words.indexOf('kubectl');
    if (k < 0 || !words.slice(k + 1).some((w) => w === 'apply' || w === 'create')) continue;
    for (let i = k + 1; i < words.length; i++) {
      const w = words[i] ?? '';
      const value = w === '-f' || w === '--filename' ? words[i + 1] : /^(?:-f|--filename)=(.+)$/.exec(w)?.[1];
      if (value && value !== '-' && !/^https?:/.test(value)) return value;
    }
  }
  return undefined;
}

function nameFilesFromApplies(lesson: Lesson): void {
  const steps = lesson.exercises.flatMap((e) => e.steps);
  steps.forEach((step, i) => {
    if (step.kind !== 'file' || step.fileName !== '') return;
    const applied = nextApply(steps.slice(i + 1))?.file;
    if (applied) {
      step.fileName = applied;
      return;
    }
    const meta = (parseYaml(step.content.split(/^---$/m).find((d) => d.trim() !== '') ?? '') ?? {}) as { metadata?: { name?: unknown }; kind?: unknown };
    const name = typeof meta.metadata?.name === 'string' ? meta.metadata.name : `${String(meta.kind).toLowerCase()}-${step.line}`;
    step.fileName = `${name}.yaml`;
    step.nameSource = 'metadata-name';
  });
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** The example problems as findings: each at its line, in the exercise it belongs to. */
export function exampleFindings(lesson: Lesson): Finding[] {
  return lesson.exampleProblems.map((p) => ({
    severity: 'error' as const,
    file: lesson.file,
    line: p.line,
    exercise: ([...lesson.exercises].reverse().find((e) => e.line <= p.line) ?? lesson.exercises[0])?.title ?? lesson.title,
    title: 'example file not found',
    lessonSays: p.lessonSays,
    clusterDid: `not run: ${p.problem}`,
    suggestion: p.fix,
  }));
}

function hasExamples(exercises: Exercise[]): boolean {
  return exercises.some((e) => e.steps.some((s) => s.kind === 'file' && s.example !== undefined));
}
