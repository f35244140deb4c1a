// Image references as containerd and the kubelet read them, and which stand-in answers one.
// Pure and dependency-free on purpose: the registry server (registry-server.ts) imports it, and
// that server also runs inside the kind node with plain `node` (type stripping, no node_modules).

export interface ImageReference {
  /** docker.io for short names, as the kubelet normalises them */
  registry: string;
  /** library/nginx for `nginx` on docker.io */
  repository: string;
  /** latest when neither a tag nor a digest is given */
  tag: string | undefined;
  digest: string | undefined;
}

/** What standInFor needs of a stand-in: its reference and, without a tag there, the tags it answers. */
export interface TagMatcher {
  image: string;
  tags?: 'any' | string[] | undefined;
}

const tagPattern = /^[\w][\w.*-]{0,127}$/;

/**
 * Parses and normalises a reference the way docker/distribution's ParseNormalizedNamed does:
 * `nginx` → docker.io/library/nginx:latest, `bitnami/redis` → docker.io/bitnami/redis:latest,
 * `localhost:5000/a:1` keeps its registry. Returns undefined for what is not a reference.
 */
export function parseImageReference(reference: string): ImageReference | undefined {
  let rest = reference.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry = slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first : 'docker.io';
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  if (registry === 'index.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !repository.includes('/')) repository = `library/${repository}`;
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+|__)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/.test(repository)) return undefined;
  return { registry, repository, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** `1.*` matches 1.14.2 and 1.27; `any` matches every tag. */
export function tagMatches(pattern: string, tag: string): boolean {
  if (pattern === 'any') return true;
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.\\+?^${}()|[\]]/g, '\\$&')).join('.*')}$`);
  return regex.test(tag);
}

export function isValidTagPattern(pattern: string): boolean {
  return pattern === 'any' || tagPattern.test(pattern);
}

/**
 * How specifically `entry` answers for `ref`: 3 for an exact tag, 2 for a pattern such as `1.*`,
 * 1 for `tags: any`, 0 when it does not answer at all.
 */
export function matchStrength(ref: ImageReference, entry: TagMatcher): number {
  const own = parseImageReference(entry.image);
  if (!own || own.registry !== ref.registry || own.repository !== ref.repository || ref.tag === undefined) return 0;
  // An entry written with a tag (docker.io/library/centos:7) answers for that tag only.
  const patterns = entry.image.slice(entry.image.lastIndexOf('/')).includes(':') ? [own.tag ?? ''] : entry.tags === 'any' ? ['any'] : entry.tags ?? [];
  let best = 0;
  for (const pattern of patterns) {
    if (!tagMatches(pattern, ref.tag)) continue;
    best = Math.max(best, pattern === 'any' ? 1 : pattern.includes('*') ? 2 : 3);
  }
  return best;
}

/**
 * The stand-in that answers for an image reference, or undefined when there is none: the most
 * specific entry (exact tag, then pattern, then `tags: any`), the first in the file on a tie.
 * A reference pinned by digest has none: no stand-in can have the upstream image's digest.
 */
export function standInFor<T extends TagMatcher>(imageReference: string, images: readonly T[]): T | undefined {
  const ref = parseImageReference(imageReference);
  if (!ref || ref.digest) return undefined;
  let found: T | undefined;
  let strength = 0;
  for (const entry of images) {
    const s = matchStrength(ref, entry);
    if (s > strength) {
      found = entry;
      strength = s;
    }
  }
  return found;
}
