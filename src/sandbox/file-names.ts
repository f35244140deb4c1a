// Where a lesson's file may be written: inside the student's working directory (the scratch dir)
// and nowhere else. The name comes from the lesson, i.e. from a pull request, and the harness
// writes as root, so `../../etc/cron.d/x.yaml`, `/root/.ssh/authorized_keys` or a name that runs
// through a symlink an earlier command made (`ln -s /etc k8s`, then `k8s/x.yaml`) must be refused.
// Pure: the file system is seen only through `readLink`, so every case is a table row in a test.
import path from 'node:path';

export type FileNameCheck =
  | { ok: true; /** Absolute path with every symlink resolved, inside the scratch dir. */ path: string }
  | { ok: false; problem: string; fix: string };

export interface FileNameContext {
  /** Absolute path of the scratch dir. Without it only the name itself is checked (before any run). */
  scratch: string;
  /** The target of the symlink at this absolute path, or undefined when it is not a symlink. */
  readLink: (absolutePath: string) => string | undefined;
}

const example = 'name it relative to the working directory, e.g. job.yaml or k8s/job.yaml';
/** Linux resolves at most 40 symlinks per path; a cycle stops there too. */
const maxLinks = 40;

export function checkFileName(name: string, context?: FileNameContext): FileNameCheck {
  if (name.trim() === '') return { ok: false, problem: 'the file has an empty name', fix: example };
  if (/[\0\n\r]/.test(name)) return { ok: false, problem: `the file name ${JSON.stringify(name)} contains a control character`, fix: example };
  if (name.startsWith('/')) return { ok: false, problem: `the file name ${name} is an absolute path`, fix: example };
  if (name.startsWith('~')) return { ok: false, problem: `the file name ${name} starts with ~ (outside the working directory on a student's machine)`, fix: example };
  if (name.split('/').includes('..')) return { ok: false, problem: `the file name ${name} has a ".." segment, which leaves the working directory`, fix: example };
  if (!context) return { ok: true, path: name };
  return resolveInside(name, context);
}

/** Walks the name a segment at a time, following symlinks as the kernel would, never leaving scratch. */
function resolveInside(name: string, { scratch, readLink }: FileNameContext): FileNameCheck {
  const root = path.resolve(scratch);
  const inside = (p: string): boolean => p === root || p.startsWith(`${root}/`);
  const pending = name.split('/').filter((s) => s !== '' && s !== '.');
  let current = root;
  let links = 0;
  // The last symlink followed: named in the message when a relative target climbs out.
  let via: FileNameCheck | undefined;
  while (pending.length > 0) {
    const segment = pending.shift() ?? '';
    if (segment === '' || segment === '.') continue;
    // `..` is taken physically, from the resolved directory, as the kernel does (not lexically).
    const next = segment === '..' ? path.dirname(current) : path.join(current, segment);
    if (!inside(next)) return via ?? { ok: false, problem: `the file name ${name} leaves the working directory`, fix: example };
    const target = segment === '..' ? undefined : readLink(next);
    if (target === undefined) {
      current = next;
      continue;
    }
    if (++links > maxLinks) return { ok: false, problem: `the file name ${name} runs through more than ${maxLinks} symlinks (a cycle?)`, fix: `remove the symlinks the lesson makes before this file, or ${example}` };
    const link = path.relative(root, next);
    const escapes = { ok: false as const, problem: `the file name ${name} runs through the symlink ${link} -> ${target}, which points outside the working directory`, fix: `do not make ${link} a symlink out of the working directory, or ${example}` };
    if (target.startsWith('/')) {
      // An absolute target counts only when it names a place inside scratch plainly (no `..`).
      if (target.split('/').includes('..') || !inside(path.normalize(target))) return escapes;
      current = root;
      pending.unshift(...path.relative(root, path.normalize(target)).split('/'));
    } else {
      // The target's segments replace the link's, resolved from the link's directory.
      pending.unshift(...target.split('/'));
      via = escapes;
    }
  }
  return current === root ? { ok: false, problem: `the file name ${name} is the working directory itself`, fix: example } : { ok: true, path: current };
}
