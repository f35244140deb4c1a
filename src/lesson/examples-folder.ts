/**
 * A docs site's examples folder (the Kubernetes website's `content/en/examples`): where
 * `{{% code_sample file="…" %}}` includes and `kubectl apply -f https://k8s.io/examples/…` URLs are
 * read from, since the sandbox has no internet and a page must verify as it is written.
 *
 * The folder is, in order: `--examples DIR`, `LESSON_HARNESS_EXAMPLES`, or the first
 * `content/en/examples` or `static/examples` found walking up from the lesson. A path from a page
 * is untrusted: one that leaves the folder (`..`, an absolute path, a symlink out) is refused.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { HarnessError } from '../errors/harness-error.ts';
import { checkFileName } from '../sandbox/file-names.ts';

export type ExampleFile =
  | { ok: true; content: string; path: string }
  /** `refused`: the path leaves the folder (an error of the page); otherwise the file is not there. */
  | { ok: false; refused: boolean; problem: string; fix: string };

export interface ExamplesFolder {
  dir: string;
  /** How it was found, for the progress line: "--examples", "LESSON_HARNESS_EXAMPLES", "found beside the lesson". */
  origin: string;
  read(relative: string): ExampleFile;
}

/** Folders that hold a Hugo site's examples, relative to each folder above the lesson. */
const SITE_LAYOUTS = ['content/en/examples', 'static/examples'];
/** Examples are manifests and small scripts; anything bigger is not one. */
const MAX_EXAMPLE_BYTES = 256 * 1024;

export const EXAMPLES_FIX = 'point --examples DIR (or LESSON_HARNESS_EXAMPLES) at the site\'s examples folder, e.g. content/en/examples';

export function findExamplesFolder(lessonPath: string, explicit?: { dir: string; origin: string }): ExamplesFolder | undefined {
  if (explicit) {
    if (!isDirectory(explicit.dir)) throw new HarnessError(`the examples folder ${explicit.dir} (${explicit.origin}) is not a folder`, { fix: EXAMPLES_FIX });
    return openExamplesFolder(explicit.dir, explicit.origin);
  }
  for (let dir = path.dirname(path.resolve(lessonPath)); ; dir = path.dirname(dir)) {
    for (const layout of SITE_LAYOUTS) {
      const candidate = path.join(dir, layout);
      if (isDirectory(candidate)) return openExamplesFolder(candidate, 'found above the lesson');
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function openExamplesFolder(dir: string, origin: string): ExamplesFolder {
  const root = realpathSync(dir);
  return {
    dir,
    origin,
    read(relative: string): ExampleFile {
      const name = checkFileName(relative);
      if (!name.ok) return { ok: false, refused: true, problem: `the example ${relative} is not inside the examples folder: ${name.problem.replace(/^the file name \S+ /, '').replace('the working directory', 'the examples folder')}`, fix: 'name an example relative to the examples folder, e.g. controllers/job.yaml' };
      const wanted = path.join(root, relative);
      if (!existsSync(wanted)) return { ok: false, refused: false, problem: `no example file ${wanted}`, fix: `add ${relative} to ${dir}, or ${EXAMPLES_FIX}` };
      // Symlinks resolved as the kernel would: the file itself must still be inside the folder.
      const real = realpathSync(wanted);
      if (!real.startsWith(`${root}/`)) return { ok: false, refused: true, problem: `the example ${relative} resolves to ${real}, outside the examples folder ${dir}`, fix: 'do not make examples symlinks out of the examples folder' };
      const stat = statSync(real);
      if (!stat.isFile()) return { ok: false, refused: false, problem: `the example ${wanted} is not a file`, fix: 'name a file of the examples folder' };
      if (stat.size > MAX_EXAMPLE_BYTES) return { ok: false, refused: true, problem: `the example ${relative} is ${stat.size} bytes, more than ${MAX_EXAMPLE_BYTES}`, fix: 'examples are manifests; split it' };
      return { ok: true, content: readFileSync(real, 'utf8'), path: wanted };
    },
  };
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
