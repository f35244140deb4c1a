/**
 * Claims about any live object, checked on the cluster once the exercise has settled:
 *
 *   <!-- expect: deployment/web .status.readyReplicas == 3 -->
 *   <!-- expect: configmap/app-config -n shop .data.COLOR == blue; pod/web-0 .status.phase == Running -->
 *
 * `<resource>/<name>` as kubectl names it (deploy/web works), an optional `-n <namespace>` (the
 * lesson's own namespace otherwise), a path into the object (`.a.b[0]["x.y"]`), an operator and a
 * value: a number, true/false, null, or text (quoted if it has spaces).
 */
import { LessonError } from './lesson-error.ts';

export type ClaimOperator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

export interface ObjectClaim {
  kind: 'object';
  resource: string;
  namespace?: string;
  path: (string | number)[];
  pathText: string;
  op: ClaimOperator;
  expected: number | boolean | null | string | { min: number; max: number };
  line: number;
  source: string;
}

const CLAIM = /^([a-z][a-z0-9.]*\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)(?:\s+-n\s+([a-z0-9-]+))?\s+(\.\S*)\s*(==|!=|<=|>=|<|>|\sin\s)\s*(.+)$/;

export function looksLikeObjectClaim(source: string): boolean {
  return /^[a-z][a-z0-9.]*\/\S+\s/.test(source);
}

export function parseObjectClaim(source: string, line: number, file: string): ObjectClaim {
  const m = CLAIM.exec(source);
  if (!m) {
    throw new LessonError(file, line, `cannot read the claim "${source}"`, 'write <resource>/<name> [-n <namespace>] <.path> <op> <value>, e.g. deployment/web .status.readyReplicas == 3');
  }
  const op = (m[5] ?? '').trim() as ClaimOperator;
  const raw = (m[6] ?? '').trim();
  const path = parsePath(m[4] ?? '', line, file);
  let expected: ObjectClaim['expected'];
  if (op === 'in') {
    const range = /^(-?\d+(?:\.\d+)?)\s*\.\.\s*(-?\d+(?:\.\d+)?)$/.exec(raw);
    if (!range) throw new LessonError(file, line, `"${raw}" is not a range`, 'write e.g. .status.readyReplicas in 1..3');
    expected = { min: Number(range[1]), max: Number(range[2]) };
  } else if (/^-?\d+(\.\d+)?$/.test(raw)) expected = Number(raw);
  else if (raw === 'true' || raw === 'false') expected = raw === 'true';
  else if (raw === 'null') expected = null;
  else expected = raw.replace(/^(["'])(.*)\1$/, '$2');
  if (['<', '<=', '>', '>='].includes(op) && typeof expected !== 'number') {
    throw new LessonError(file, line, `${op} needs a number, got "${raw}"`, 'compare text and booleans with == or !=');
  }
  return { kind: 'object', resource: m[1] ?? '', ...(m[3] ? { namespace: m[3] } : {}), path, pathText: m[4] ?? '', op, expected, line, source };
}

/** `.status.conditions[0].type`, `.data["ca.crt"]`, `.metadata.labels.app` → segments. */
function parsePath(text: string, line: number, file: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const re = /\.([A-Za-z0-9_-]+)|\[(\d+)\]|\[["']([^"']+)["']\]/y;
  let at = 0;
  while (at < text.length) {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new LessonError(file, line, `cannot read the path "${text}" at "${text.slice(at)}"`, 'write a path like .status.readyReplicas, .spec.containers[0].image or .data["ca.crt"]');
    segments.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3] ?? ''));
    at = re.lastIndex;
  }
  return segments;
}

export function readPath(object: unknown, path: (string | number)[]): unknown {
  let value: unknown = object;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Checks a claim against the object as the API returned it (undefined: no such object). */
export function evaluateObjectClaim(claim: ObjectClaim, object: unknown): { ok: boolean; actual: string; message: string } {
  if (object === undefined) return { ok: false, actual: 'no such object', message: `${claim.resource} does not exist` };
  const value = readPath(object, claim.path);
  const actual = value === undefined ? 'not set' : typeof value === 'string' ? value : JSON.stringify(value);
  const e = claim.expected;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
  let ok: boolean;
  if (e !== null && typeof e === 'object') ok = number !== undefined && number >= e.min && number <= e.max;
  else if (claim.op === '==' || claim.op === '!=') {
    // A missing field reads as null, and replica counts kubectl omits at zero read as 0.
    const same = typeof e === 'number' ? (number ?? (value === undefined ? 0 : NaN)) === e : e === null ? value === undefined || value === null : value === e || String(value) === String(e);
    ok = claim.op === '==' ? same : !same;
  } else {
    const n = number ?? (value === undefined ? 0 : NaN);
    const v = e as number;
    ok = claim.op === '<' ? n < v : claim.op === '<=' ? n <= v : claim.op === '>' ? n > v : n >= v;
  }
  const expected = e !== null && typeof e === 'object' ? `in ${e.min}..${e.max}` : `${claim.op} ${JSON.stringify(e)}`;
  return { ok, actual, message: ok ? `${claim.source}: ok (actual ${actual})` : `expected ${claim.resource} ${claim.pathText} ${expected}, cluster had ${actual}` };
}
