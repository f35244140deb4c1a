/**
 * What one comparison would change in a documented output, line by line, turned into edits. All
 * findings of one output draw their fix from one plan, so two findings about neighbouring lines
 * (an extra line after a changed one, a header and its rows) get one edit instead of two that
 * overlap; a finding's fix is every run of changed lines that touches a line it is about.
 */
import type { LineEdit } from '../findings/finding.ts';

interface PlanEntry {
  before: string[];
  /** What the line becomes; undefined keeps it, [] removes it. */
  own?: string[];
  after: string[];
}

export class OutputPlan {
  readonly #entries = new Map<number, PlanEntry>();

  /** `lines`: every lesson line of the documented output and its text inside the Markdown container. */
  constructor(private readonly lines: ReadonlyMap<number, string>) {}

  replace(line: number, replacement: string[]): void {
    this.#entry(line).own = replacement;
  }

  remove(line: number): void {
    this.replace(line, []);
  }

  insertBefore(line: number, lines: string[]): void {
    this.#entry(line).before.push(...lines);
  }

  insertAfter(line: number, lines: string[]): void {
    this.#entry(line).after.push(...lines);
  }

  /** The runs of changed lines that contain any of `lines` (none: the finding has no mechanical fix). */
  editsFor(lines: readonly number[]): LineEdit[] {
    return this.edits().filter((e) => lines.some((l) => l >= e.line && l <= e.endLine));
  }

  /** Maximal runs of consecutive changed lines, each one edit. */
  edits(): LineEdit[] {
    const edits: LineEdit[] = [];
    let run: LineEdit | undefined;
    for (const line of [...this.lines.keys()].sort((a, b) => a - b)) {
      const original = this.lines.get(line) ?? '';
      const becomes = this.#becomes(line, original);
      if (!becomes) {
        run = undefined;
        continue;
      }
      if (run && run.endLine === line - 1) {
        run.endLine = line;
        run.original.push(original);
        run.replacement.push(...becomes);
      } else {
        run = { kind: 'lines', line, endLine: line, original: [original], replacement: [...becomes] };
        edits.push(run);
      }
    }
    return edits;
  }

  #becomes(line: number, original: string): string[] | undefined {
    const entry = this.#entries.get(line);
    if (!entry) return undefined;
    const own = entry.own ?? [original.replace(/\s+$/, '')];
    const unchanged = entry.before.length === 0 && entry.after.length === 0 && own.length === 1 && own[0] === original.replace(/\s+$/, '');
    return unchanged ? undefined : [...entry.before, ...own, ...entry.after];
  }

  #entry(line: number): PlanEntry {
    let entry = this.#entries.get(line);
    if (!entry) {
      entry = { before: [], after: [] };
      this.#entries.set(line, entry);
    }
    return entry;
  }
}

/** Lesson line → text, for every line of the documented outputs. */
export function outputLines(outputs: readonly { line: number; text: string }[]): Map<number, string> {
  const lines = new Map<number, string>();
  for (const o of outputs) o.text.split('\n').forEach((text, i) => lines.set(o.line + i, text));
  return lines;
}
