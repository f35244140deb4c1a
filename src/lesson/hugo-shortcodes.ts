/**
 * Hugo shortcodes in a docs-site page (the Kubernetes website's style), turned into what the rest of
 * the parser reads, without moving a line: every shortcode tag is blanked (its newlines kept), so a
 * finding's line is still the page's line.
 *
 *  - `{{% code_sample file="controllers/job.yaml" %}}`, `{{< codenew file="…" >}}`: an include of an
 *    example file, returned in `inserts` at the tag's line (the parser reads the file and makes it a
 *    manifest step).
 *  - `{{< tabs >}}{{% tab name="…" %}}…{{% /tab %}}{{< /tabs >}}`: alternatives (kubectl vs a
 *    manifest, Linux vs macOS): only the first tab is kept, unless a `<!-- verify: tab=N -->` or
 *    `<!-- verify: tabs=all -->` marker stands right before the group. A kept tab's Markdown stays
 *    in place; a tab with `codelang` holds code: a command tab (`name="kubectl describe job pi"`)
 *    becomes that command with the tab's text as its output, any other one a code block.
 *  - `{{< note >}}`, `caution`, `warning`: the body stays as prose; a code block in it is an aside
 *    and is not run.
 *  - `{{< glossary_tooltip text="Pod" … >}}` becomes its text, `{{% heading "cleanup" %}}` its title; every other shortcode (param,
 *    feature-state, include, …) is dropped. Hugo's escaped form (a comment inside the braces) is shown literally.
 * Pure: no file is read here.
 */
import { LessonError } from './lesson-error.ts';

export type ShortcodeInsert =
  /** `source`: the tag as the page writes it, for findings. */
  | { kind: 'include'; line: number; file: string; source: string; lang?: string }
  | { kind: 'code'; line: number; lang: string; text: string; contentLine: number }
  | { kind: 'command'; line: number; command: string; output?: { line: number; text: string } };

export interface ExpandedPage {
  body: string;
  /** Steps the shortcodes stand for, in page order. */
  inserts: ShortcodeInsert[];
}

interface Tag {
  start: number;
  end: number;
  line: number;
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attrs: Record<string, string>;
  /** Positional arguments (`{{< param "version" >}}`). */
  args: string[];
  escaped: boolean;
  source: string;
}

const INCLUDES = new Set(['code_sample', 'codenew', 'code']);
const ASIDES = new Set(['note', 'caution', 'warning']);
/** `## {{% heading "cleanup" %}}`: the section titles of the Kubernetes website's page templates. */
const HEADINGS: Record<string, string> = {
  prerequisites: 'Before you begin', objectives: 'Objectives', cleanup: 'Clean up', whatsnext: 'What\'s next', synopsis: 'Synopsis', options: 'Options',
};
/** A tab named like this is a command a student types (the Jobs concept page does it). */
const COMMAND_NAME = /^(?:kubectl|kubeadm|minikube|kind|helm|curl|cat|echo|ls)\s/;

export function hasShortcodes(body: string): boolean {
  return body.includes('{{<') || body.includes('{{%');
}

export function expandShortcodes(body: string, file: string): ExpandedPage {
  const lineAt = lineIndex(body);
  const tags = findTags(body, lineAt);
  const edits: { start: number; end: number; text: string }[] = [];
  const inserts: ShortcodeInsert[] = [];
  const blank = (start: number, end: number): void => {
    edits.push({ start, end, text: body.slice(start, end).replace(/[^\n]/g, '') });
  };
  const asides: { start: number; end: number }[] = [];
  /** Offset of each include's tag, by its index in `inserts`. */
  const includeAt = new Map<number, number>();
  // Dropped tabs are known only when their group closes; includes inside them are left out at the end.
  const dropped: { start: number; end: number }[] = [];
  const asideOpen: Tag[] = [];
  let group: { open: Tag; tabs: { open: Tag; close?: Tag }[] } | undefined;

  for (const tag of tags) {
    if (tag.escaped) {
      edits.push({ start: tag.start, end: tag.end, text: tag.source });
      continue;
    }
    if (tag.name === 'tabs') {
      if (!tag.closing) group = { open: tag, tabs: [] };
      else if (group) {
        closeGroup(group, tag);
        group = undefined;
      } else blank(tag.start, tag.end);
      continue;
    }
    if (tag.name === 'tab' && group) {
      if (tag.closing) {
        const last = group.tabs.at(-1);
        if (last) last.close = tag;
      } else if (tag.selfClosing) {
        // `{{< tab name="…" include="…" />}}` takes its text from another file: nothing to run here.
        group.tabs.push({ open: tag, close: tag });
      } else group.tabs.push({ open: tag });
      continue;
    }
    if (INCLUDES.has(tag.name) && !tag.closing) {
      blank(tag.start, tag.end);
      const file = tag.attrs.file ?? tag.args[0];
      if (file !== undefined) {
        inserts.push({ kind: 'include', line: tag.line, file, source: tag.source.replace(/\s+/g, ' '), ...(tag.attrs.language ? { lang: tag.attrs.language } : {}) });
        includeAt.set(inserts.length - 1, tag.start);
      }
      continue;
    }
    if (ASIDES.has(tag.name)) {
      blank(tag.start, tag.end);
      if (!tag.closing) asideOpen.push(tag);
      else {
        const open = asideOpen.pop();
        if (open) asides.push({ start: open.end, end: tag.start });
      }
      continue;
    }
    inline(tag);
  }

  function inline(tag: Tag): void {
    const text = tag.closing ? undefined
      : tag.name === 'glossary_tooltip' ? tag.attrs.text ?? tag.attrs.term_id
        : tag.name === 'heading' ? HEADINGS[tag.args[0] ?? ''] : undefined;
    if (text !== undefined) edits.push({ start: tag.start, end: tag.end, text: text + tag.source.replace(/[^\n]/g, '') });
    else blank(tag.start, tag.end);
  }


  function closeGroup(g: { open: Tag; tabs: { open: Tag; close?: Tag }[] }, close: Tag): void {
    blank(g.open.start, g.open.end);
    blank(close.start, close.end);
    const choice = tabChoice(body, g.open.start);
    if (choice.number !== undefined && choice.number > g.tabs.length) {
      throw new LessonError(file, choice.line ? lineAt(choice.line) : g.open.line, `tab=${choice.number} but the tabs group at line ${g.open.line} has ${g.tabs.length} tab(s)`, `write a number from 1 to ${g.tabs.length}, or tabs=all`);
    }
    g.tabs.forEach((tab, i) => {
      const end = tab.close ?? close;
      const kept = choice.all || i + 1 === (choice.number ?? 1);
      if (!kept) {
        blank(tab.open.start, end.end);
        dropped.push({ start: tab.open.start, end: end.end });
        return;
      }
      blank(tab.open.start, tab.open.end);
      if (end !== tab.open) blank(end.start, end.end);
      const lang = tab.open.attrs.codelang;
      if (!lang || end === tab.open) return;
      // Code without a fence: blank it and hand it over as a block (a command, or a file/output).
      let from = tab.open.end;
      if (body[from] === '\n') from++;
      const text = body.slice(from, end.start).replace(/\n$/, '');
      blank(tab.open.end, end.start);
      const name = (tab.open.attrs.name ?? '').trim();
      const contentLine = lineAt(from);
      if (COMMAND_NAME.test(`${name} `)) {
        inserts.push({ kind: 'command', line: tab.open.line, command: name, ...(text.trim() ? { output: { line: contentLine, text } } : {}) });
      } else {
        inserts.push({ kind: 'code', line: tab.open.line, lang, text, contentLine });
      }
    });
  }

  const kept = inserts.filter((_, i) => {
    const at = includeAt.get(i);
    return at === undefined || !dropped.some((d) => at >= d.start && at < d.end);
  });

  for (const aside of asides) blankFences(body.slice(aside.start, aside.end), aside.start, blank);
  const out = applyEdits(body, edits);
  kept.sort((a, b) => a.line - b.line);
  return { body: out, inserts: kept };
}

/** `<!-- verify: tab=2 -->` or `tabs=all` as the last thing before a tabs group. */
function tabChoice(body: string, start: number): { all: boolean; number?: number; line?: number } {
  const before = body.slice(Math.max(0, start - 400), start).trimEnd();
  if (!before.endsWith('-->')) return { all: false };
  const open = before.lastIndexOf('<!--');
  const comment = before.slice(open);
  if (open < 0 || !/^<!--\s*verify:/.test(comment)) return { all: false };
  const offset = Math.max(0, start - 400) + open;
  if (/\btabs=all\b/.test(comment)) return { all: true, line: offset };
  const n = /\btab=(\d+)\b/.exec(comment)?.[1];
  return n === undefined ? { all: false } : { all: false, number: Number(n), line: offset };
}

/** Code blocks inside an aside are blanked: a note's command is an aside, not a step. */
function blankFences(text: string, offset: number, blank: (start: number, end: number) => void): void {
  let fence: { start: number; marker: string } | undefined;
  let at = 0;
  for (const line of text.split('\n')) {
    const m = /^\s*(`{3,}|~{3,})/.exec(line);
    if (m?.[1]) {
      if (!fence) fence = { start: at, marker: m[1] };
      else if (line.trim().startsWith(fence.marker)) {
        blank(offset + fence.start, offset + at + line.length);
        fence = undefined;
      }
    }
    at += line.length + 1;
  }
}

/** Every `{{< … >}}` / `{{% … %}}` tag, in order; linear in the page (a tag never closed ends the search). */
function findTags(body: string, lineAt: (offset: number) => number): Tag[] {
  const tags: Tag[] = [];
  const closed = { '<': true, '%': true };
  for (let at = body.indexOf('{{'); at >= 0; at = body.indexOf('{{', at + 2)) {
    const delim = body[at + 2];
    if (delim !== '<' && delim !== '%') continue;
    if (!closed[delim]) continue;
    const escaped = body.startsWith('/*', at + 3) || body.startsWith(' /*', at + 3);
    const shut = delim === '<' ? '>' : '%';
    const closer = escaped ? `*/${shut}}}` : `${shut}}}`;
    const end = body.indexOf(closer, at + 3);
    if (end < 0) {
      closed[delim] = false;
      continue;
    }
    const stop = end + closer.length;
    const source = body.slice(at, stop);
    if (escaped) {
      tags.push({ start: at, end: stop, line: lineAt(at), name: '', closing: false, selfClosing: false, attrs: {}, args: [], escaped, source: source.replace(/^\{\{([<%])\s?\/\*/, '{{$1').replace(/\*\/\s?([>%])\}\}$/, '$1}}') });
      at = stop - 2;
      continue;
    }
    let inner = body.slice(at + 3, end).trim();
    const selfClosing = inner.endsWith('/');
    if (selfClosing) inner = inner.slice(0, -1).trim();
    const closing = inner.startsWith('/');
    if (closing) inner = inner.slice(1).trim();
    const name = /^[\w.-]+/.exec(inner)?.[0] ?? '';
    const { attrs, args } = parseArguments(inner.slice(name.length));
    tags.push({ start: at, end: stop, line: lineAt(at), name, closing, selfClosing, attrs, args, escaped: false, source });
    at = stop - 2;
  }
  return tags;
}

function parseArguments(text: string): { attrs: Record<string, string>; args: string[] } {
  const attrs: Record<string, string> = {};
  const args: string[] = [];
  for (const m of text.matchAll(/([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|`([^`]*)`|(\S+))|"((?:[^"\\]|\\.)*)"|`([^`]*)`|(\S+)/g)) {
    if (m[1] !== undefined) attrs[m[1]] = m[2] ?? m[3] ?? m[4] ?? m[5] ?? '';
    else args.push(m[6] ?? m[7] ?? m[8] ?? '');
  }
  return { attrs, args };
}

function applyEdits(body: string, edits: { start: number; end: number; text: string }[]): string {
  // Overlapping edits (a tag inside a dropped tab) : the widest, earliest one wins.
  const sorted = [...edits].sort((a, b) => a.start - b.start || b.end - a.end);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) {
      if (edit.end <= at) continue;
      // Partly covered: keep only the uncovered rest blanked.
      out += body.slice(at, edit.end).replace(/[^\n]/g, '');
      at = edit.end;
      continue;
    }
    out += body.slice(at, edit.start) + edit.text;
    at = edit.end;
  }
  return out + body.slice(at);
}

/** 1-based line of an offset, by binary search over the newline offsets. */
function lineIndex(body: string): (offset: number) => number {
  const newlines: number[] = [];
  for (let i = body.indexOf('\n'); i >= 0; i = body.indexOf('\n', i + 1)) newlines.push(i);
  return (offset) => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] ?? 0) < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}
