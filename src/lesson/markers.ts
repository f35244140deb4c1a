/**
 * Per-block instructions an author writes in HTML comments, which students never see:
 *
 *   <!-- verify: skip -->                 the next code block is neither run nor created
 *   <!-- verify: ignore-output -->        run the next block's commands, compare no output
 *   <!-- verify: exit=1 -->               the next block's commands end with this exit code
 *   <!-- verify: timeout=120s -->         how long the next block's commands may take, or wait for their output
 *   <!-- verify: background -->           start the next block's commands and go on (port-forward, a server)
 *   <!-- verify: file=k8s/web.yaml -->    the name under which the next YAML block is saved
 *   <!-- verify: tab=2 -->                which tab of the next {{< tabs >}} group runs (tabs=all: every one)
 *   <!-- verify: setup                    hidden commands, run here as if the student typed them
 *   kubectl wait --for=condition=Ready pod/web
 *   -->
 *   <!-- verify: cleanup                  hidden commands, run when the lesson ends (also after a failure)
 *   kubectl delete namespace shop
 *   -->
 *
 * Several words may share one comment: `<!-- verify: exit=1 timeout=30s -->`. Reference: docs/annotations.md.
 */
import { keywordComments } from './html-comments.ts';
import { LessonError } from './lesson-error.ts';

export interface BlockOptions {
  skip?: boolean;
  ignoreOutput?: boolean;
  exitCode?: number;
  /** Where the exit code was written (`exit=1` on its marker's line), so a fix can change it. */
  exitMarker?: { line: number; word: string };
  timeoutMs?: number;
  background?: boolean;
  fileName?: string;
  /** Which tab of the next `{{< tabs >}}` group runs (1-based), or every one: read by src/lesson/hugo-shortcodes.ts. */
  tab?: number | 'all';
}

export type Marker =
  | { kind: 'block'; line: number; options: BlockOptions }
  | { kind: 'setup' | 'cleanup'; line: number; script: string; scriptLine: number };

const WORDS = ['skip', 'ignore-output', 'exit=<code>', 'timeout=<seconds>s', 'background', 'file=<name>', 'tab=<number>', 'tabs=all', 'setup', 'cleanup'];

/** Every `<!-- verify: … -->` comment in `content`, which starts at lesson line `startLine`. */
export function markersIn(content: string, startLine: number, file: string): Marker[] {
  if (!content.includes('verify:')) return [];
  return keywordComments(content, startLine, 'verify', file).map((c) => parseMarker(c.body, c.line, file));
}

function parseMarker(body: string, line: number, file: string): Marker {
  const [head = '', ...rest] = body.replace(/^[ \t]+/, '').split('\n');
  const first = head.trim();
  if (first === 'setup' || first === 'cleanup') {
    const script = rest.join('\n').replace(/\s+$/, '');
    if (script.trim() === '') throw new LessonError(file, line, `<!-- verify: ${first} --> has no commands`, `put the commands on the lines after "${first}", before -->`);
    return { kind: first, line, script, scriptLine: line + 1 };
  }
  const options: BlockOptions = {};
  for (const word of body.trim().split(/\s+/).filter(Boolean)) {
    const [key, value] = word.split('=', 2) as [string, string | undefined];
    switch (key) {
      case 'skip': options.skip = true; break;
      case 'ignore-output': options.ignoreOutput = true; break;
      case 'background': options.background = true; break;
      case 'exit':
      case 'exit-code':
        if (!/^\d{1,3}$/.test(value ?? '')) throw new LessonError(file, line, `"${word}" needs a number`, 'write e.g. <!-- verify: exit=1 -->');
        options.exitCode = Number(value);
        options.exitMarker = { line, word };
        break;
      case 'timeout': {
        const seconds = /^(\d+(?:\.\d+)?)(s|m)?$/.exec(value ?? '');
        if (!seconds) throw new LessonError(file, line, `"${word}" needs a duration`, 'write e.g. <!-- verify: timeout=120s --> or timeout=3m');
        options.timeoutMs = Number(seconds[1]) * (seconds[2] === 'm' ? 60_000 : 1000);
        break;
      }
      case 'file':
        if (!value) throw new LessonError(file, line, '"file=" needs a name', 'write e.g. <!-- verify: file=job.yaml -->');
        options.fileName = value;
        break;
      case 'tab':
        if (!/^[1-9]\d{0,2}$/.test(value ?? '')) throw new LessonError(file, line, `"${word}" needs a tab number (1 is the first tab)`, 'write e.g. <!-- verify: tab=2 --> right before {{< tabs >}}, or tabs=all');
        options.tab = Number(value);
        break;
      case 'tabs':
        if (value !== 'all') throw new LessonError(file, line, `"${word}" is not a tabs choice`, 'write <!-- verify: tabs=all --> to run every tab of the next tabs group, or tab=<number> for one');
        options.tab = 'all';
        break;
      default:
        throw new LessonError(file, line, `unknown word "${word}" in <!-- verify: -->`, `use one of: ${WORDS.join(', ')}`);
    }
  }
  return { kind: 'block', line, options };
}
