/**
 * Docs pages apply their examples by URL (`kubectl apply -f https://k8s.io/examples/controllers/job.yaml`).
 * The sandbox has no internet, and the file a page means is in the site's own examples folder, so
 * such a URL after `-f`/`--filename` is mapped to a copy of that file in the scratch directory.
 * Pure: which URLs are examples, and how a command reads once they are local.
 */

/** Where a page's examples are published; the captured group is the path inside the examples folder. */
const EXAMPLE_URLS = [
  /^https?:\/\/(?:www\.)?k8s\.io\/examples\/(.+)$/,
  /^https?:\/\/(?:www\.)?kubernetes\.io\/examples\/(.+)$/,
  /^https?:\/\/raw\.githubusercontent\.com\/kubernetes\/website\/[^/]+\/content\/[\w-]+\/examples\/(.+)$/,
  /^https?:\/\/github\.com\/kubernetes\/website\/raw\/[^/]+\/content\/[\w-]+\/examples\/(.+)$/,
];

/** The folder in the scratch directory the copies go to: hidden, so a lesson's `ls` shows what a student sees. */
export const EXAMPLES_COPY_DIR = '.examples';

/** The path inside the examples folder an example URL names, or undefined for any other URL. */
export function examplePath(url: string): string | undefined {
  const bare = url.replace(/[?#].*$/, '');
  for (const pattern of EXAMPLE_URLS) {
    const match = pattern.exec(bare)?.[1];
    if (match === undefined) continue;
    try {
      return decodeURIComponent(match);
    } catch {
      return match;
    }
  }
  return undefined;
}

export interface ExampleUse {
  url: string;
  /** Path inside the examples folder. */
  example: string;
  /** Name of its copy in the scratch directory. */
  copy: string;
}

/** `-f URL`, `-f=URL`, `--filename URL`, `--filename=URL`, the URL optionally quoted. */
const FILE_FLAG_URL = /(^|\s)(-f|--filename)(\s+|=)(['"]?)(https?:\/\/[^\s'"]+)\4/g;

/** The command with every example URL given to `-f` replaced by its copy's name, and what was replaced. */
export function localiseExampleUrls(command: string): { command: string; uses: ExampleUse[] } {
  if (!/\bkubectl\b/.test(command) || !command.includes('://')) return { command, uses: [] };
  const uses: ExampleUse[] = [];
  const local = command.replace(FILE_FLAG_URL, (whole, lead: string, flag: string, gap: string, quote: string, url: string) => {
    const example = examplePath(url);
    if (example === undefined) return whole;
    const copy = `${EXAMPLES_COPY_DIR}/${example}`;
    uses.push({ url, example, copy });
    return `${lead}${flag}${gap}${quoted(copy, quote)}`;
  });
  return { command: local, uses };
}

/** A decoded path (`%20`, `%24`) must reach kubectl as one word, with nothing the shell would expand. */
function quoted(name: string, quote: string): string {
  if (/^[\w./@+-]+$/.test(name)) return `${quote}${name}${quote}`;
  if (quote === '"') return `"${name.replace(/["$`\\]/g, '\\$&')}"`;
  return `'${name.replace(/'/g, `'\\''`)}'`;
}

export function isExampleCopy(fileName: string): boolean {
  return fileName.startsWith(`${EXAMPLES_COPY_DIR}/`);
}
