/**
 * Expectations a lesson author writes in HTML comments, invisible to students but checked on the
 * cluster. Reference with examples: docs/annotations.md.
 *
 *   <!-- expect: <subject> <op> <value> [; <subject> <op> <value> …] -->
 *
 * Subjects (all about the Job of the exercise and the pods it created):
 *   pods                count of pods created          pods == 5
 *   pods.max-active     most pods Pending/Running at once   pods.max-active == 1
 *   pods.sequential     each pod created after the previous one ended   pods.sequential == true
 *   job.completions     spec.completions (null in work-queue mode)     job.completions == null
 *   job.succeeded       status.succeeded               job.succeeded == 5
 *   job.failed          status.failed                  job.failed == 0
 *   job.condition       a condition Type or Type/Reason    job.condition == Failed/DeadlineExceeded
 *   pod.restarts        highest restartCount of any container   pod.restarts in 1..3
 *   container.duration  seconds each container run took; every run must match   container.duration < 1
 *   job.duration        seconds from status.startTime to the terminal condition   job.duration in 18..25
 *
 * Operators: == != < <= > >= and `in a..b` (inclusive). Numbers of seconds may carry an `s` (`5s`).
 * The language is deliberately this small: anything richer belongs in a test, not in a lesson.
 */
import { LessonError } from './lesson-error.ts';
import { looksLikeObjectClaim, parseObjectClaim, type ObjectClaim } from './object-claims.ts';

export type Operator = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in';

export type ExpectedValue =
  | { kind: 'number'; value: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'condition'; type: string; reason?: string };

/** Actual values, filled from the cluster by the runner after an exercise has settled. */
export interface ExerciseFacts {
  podCount: number;
  /** Highest number of the job's pods that were Pending or Running at the same moment. */
  maxActivePods: number;
  /** True when every pod was created after the previous pod's container finished. */
  sequential: boolean;
  /** spec.completions as stored by the API server; null in work-queue mode. */
  completions: number | null;
  succeeded: number;
  failed: number;
  conditions: { type: string; reason?: string }[];
  /** Highest restartCount over all containers of all pods. */
  maxRestarts: number;
  /** Seconds from startedAt to finishedAt of every terminated container run. */
  containerDurations: number[];
  /** Seconds from status.startTime to the terminal condition; null if the Job has not ended. */
  jobDurationSeconds: number | null;
}

type SubjectKind = 'count' | 'nullable-count' | 'boolean' | 'condition' | 'seconds';

interface SubjectSpec {
  kind: SubjectKind;
  /** For `container.duration`: the expectation must hold for every value. */
  read: (facts: ExerciseFacts) => number | null | boolean | number[] | ExerciseFacts['conditions'];
}

const SUBJECTS = {
  pods: { kind: 'count', read: (f) => f.podCount },
  'pods.max-active': { kind: 'count', read: (f) => f.maxActivePods },
  'pods.sequential': { kind: 'boolean', read: (f) => f.sequential },
  'job.completions': { kind: 'nullable-count', read: (f) => f.completions },
  'job.succeeded': { kind: 'count', read: (f) => f.succeeded },
  'job.failed': { kind: 'count', read: (f) => f.failed },
  'job.condition': { kind: 'condition', read: (f) => f.conditions },
  'pod.restarts': { kind: 'count', read: (f) => f.maxRestarts },
  'container.duration': { kind: 'seconds', read: (f) => f.containerDurations },
  'job.duration': { kind: 'seconds', read: (f) => f.jobDurationSeconds },
} satisfies Record<string, SubjectSpec>;

export type Subject = keyof typeof SUBJECTS;
export const SUBJECT_NAMES = Object.keys(SUBJECTS) as Subject[];

/** A clause of an `<!-- expect: -->` comment: a timeline fact of the exercise, or a claim on a live object. */
export type Claim = Expectation | ObjectClaim;

export interface Expectation {
  kind?: 'timeline';
  subject: Subject;
  op: Operator;
  expected: ExpectedValue;
  /** 1-based lesson line of this clause. */
  line: number;
  /** The clause as written, e.g. "pods == 5". */
  source: string;
}

export interface ExpectationResult {
  ok: boolean;
  actual: string;
  expected: string;
  message: string;
}

const OPERATORS_BY_KIND: Record<SubjectKind, readonly Operator[]> = {
  count: ['==', '!=', '<', '<=', '>', '>=', 'in'],
  'nullable-count': ['==', '!=', '<', '<=', '>', '>=', 'in'],
  seconds: ['==', '!=', '<', '<=', '>', '>=', 'in'],
  boolean: ['==', '!='],
  condition: ['==', '!='],
};

const EXAMPLE_BY_KIND: Record<SubjectKind, string> = {
  count: 'pods == 5 or pods in 1..3',
  'nullable-count': 'job.completions == 5 or job.completions == null',
  seconds: 'container.duration < 1 or job.duration in 18..25',
  boolean: 'pods.sequential == true',
  condition: 'job.condition == Complete or job.condition == Failed/DeadlineExceeded',
};

const CLAUSE = /^(\S+?)\s*(==|!=|<=|>=|<|>)\s*(.+)$|^(\S+)\s+(in)\s+(.+)$/;

/**
 * Parses the text of one `<!-- expect: … -->` comment (with or without the comment markers and
 * the `expect:` prefix). `line` is the lesson line where `text` starts; clauses on later lines of a
 * multi-line comment get their own line.
 */
export function parseAnnotation(text: string, line: number, file = '<lesson>'): Claim[] {
  const body = text.replace(/^\s*<!--/, (m) => ' '.repeat(m.length)).replace(/-->\s*$/, '');
  const prefix = /^\s*expect:/.exec(body);
  const start = prefix ? prefix[0].length : 0;
  const expectations: Claim[] = [];
  let offset = start;
  for (const part of body.slice(start).split(';')) {
    const clauseLine = line + countNewlines(body.slice(0, offset + leadingSpace(part)));
    offset += part.length + 1;
    const source = part.trim();
    if (source === '') continue;
    expectations.push(looksLikeObjectClaim(source) ? parseObjectClaim(source, clauseLine, file) : parseClause(source, clauseLine, file));
  }
  if (expectations.length === 0) {
    throw new LessonError(file, line, 'empty expectation', 'write e.g. <!-- expect: pods == 1 --> or remove the comment');
  }
  return expectations;
}

function parseClause(source: string, line: number, file: string): Expectation {
  const m = CLAUSE.exec(source);
  const name = m?.[1] ?? m?.[4];
  const op = (m?.[2] ?? m?.[5]) as Operator | undefined;
  const raw = (m?.[3] ?? m?.[6])?.trim();
  if (name === undefined || op === undefined || raw === undefined) {
    throw new LessonError(file, line, `cannot read expectation "${source}"`, `write <subject> <op> <value>, e.g. pods == 5; ops: == != < <= > >= in`);
  }
  if (!Object.hasOwn(SUBJECTS, name)) {
    throw new LessonError(file, line, `unknown subject "${name}" in "${source}"`, `use one of: ${SUBJECT_NAMES.join(', ')}, or a claim on an object: <resource>/<name> <.path> <op> <value>`);
  }
  const subject = name as Subject;
  const kind = SUBJECTS[subject].kind as SubjectKind;
  if (!OPERATORS_BY_KIND[kind].includes(op)) {
    throw new LessonError(file, line, `operator ${op} does not apply to ${subject} in "${source}"`, `use ${OPERATORS_BY_KIND[kind].join(' or ')}, e.g. ${EXAMPLE_BY_KIND[kind]}`);
  }
  const expected = parseValue(kind, op, raw);
  if (expected === undefined) {
    throw new LessonError(file, line, `"${raw}" is not a valid value for ${subject} ${op}`, `write e.g. ${EXAMPLE_BY_KIND[kind]}`);
  }
  return { subject, op, expected, line, source };
}

function parseValue(kind: SubjectKind, op: Operator, raw: string): ExpectedValue | undefined {
  if (op === 'in') {
    const range = /^(\S+?)\s*\.\.\s*(\S+)$/.exec(raw);
    const min = range ? parseNumber(range[1] ?? '', kind) : undefined;
    const max = range ? parseNumber(range[2] ?? '', kind) : undefined;
    return min !== undefined && max !== undefined && min <= max ? { kind: 'range', min, max } : undefined;
  }
  switch (kind) {
    case 'boolean':
      return raw === 'true' || raw === 'false' ? { kind: 'boolean', value: raw === 'true' } : undefined;
    case 'condition': {
      const cond = /^([A-Z][A-Za-z]*)(?:\/([A-Z][A-Za-z]*))?$/.exec(raw);
      if (!cond?.[1]) return undefined;
      return cond[2] ? { kind: 'condition', type: cond[1], reason: cond[2] } : { kind: 'condition', type: cond[1] };
    }
    default: {
      if (raw === 'null' && kind === 'nullable-count' && (op === '==' || op === '!=')) return { kind: 'null' };
      const value = parseNumber(raw, kind);
      return value === undefined ? undefined : { kind: 'number', value };
    }
  }
}

function parseNumber(raw: string, kind: SubjectKind): number | undefined {
  const text = kind === 'seconds' ? raw.replace(/s$/, '') : raw;
  const pattern = kind === 'seconds' ? /^\d+(\.\d+)?$/ : /^\d+$/;
  return pattern.test(text) ? Number(text) : undefined;
}

/** Checks one expectation against the facts gathered from the cluster. */
export function evaluateExpectation(exp: Expectation, facts: ExerciseFacts): ExpectationResult {
  const expected = `${exp.op} ${formatExpected(exp.expected)}`;
  const value = SUBJECTS[exp.subject].read(facts);
  let ok: boolean;
  let actual: string;
  if (Array.isArray(value) && exp.subject === 'job.condition') {
    const conditions = value as ExerciseFacts['conditions'];
    const e = exp.expected;
    const matches = e.kind === 'condition' && conditions.some((c) => c.type === e.type && (e.reason === undefined || c.reason === e.reason));
    ok = exp.op === '==' ? matches : !matches;
    actual = conditions.length ? conditions.map((c) => (c.reason ? `${c.type}/${c.reason}` : c.type)).join(', ') : 'no conditions';
  } else if (Array.isArray(value)) {
    // Every container run must satisfy the bound: "container.duration < 1" means none took longer.
    const durations = value as number[];
    ok = durations.length > 0 && durations.every((d) => compare(exp.op, exp.expected, d));
    actual = durations.length === 0 ? 'no container has finished' : durations.map(formatSeconds).join(', ');
  } else {
    ok = compare(exp.op, exp.expected, value);
    actual = value === null ? 'null' : typeof value === 'number' && SUBJECTS[exp.subject].kind === 'seconds' ? formatSeconds(value) : String(value);
  }
  const message = ok ? `${exp.source}: ok (actual ${actual})` : `expected ${exp.subject} ${expected}, cluster had ${actual}`;
  return { ok, actual, expected, message };
}

function compare(op: Operator, expected: ExpectedValue, actual: number | boolean | null): boolean {
  if (expected.kind === 'null') return op === '==' ? actual === null : actual !== null;
  if (expected.kind === 'boolean') return op === '==' ? actual === expected.value : actual !== expected.value;
  if (typeof actual !== 'number') return false;
  if (expected.kind === 'range') return actual >= expected.min && actual <= expected.max;
  if (expected.kind !== 'number') return false;
  const v = expected.value;
  switch (op) {
    case '==': return actual === v;
    case '!=': return actual !== v;
    case '<': return actual < v;
    case '<=': return actual <= v;
    case '>': return actual > v;
    case '>=': return actual >= v;
    case 'in': return false;
  }
}

function formatExpected(e: ExpectedValue): string {
  switch (e.kind) {
    case 'number': return String(e.value);
    case 'range': return `${e.min}..${e.max}`;
    case 'boolean': return String(e.value);
    case 'null': return 'null';
    case 'condition': return e.reason ? `${e.type}/${e.reason}` : e.type;
  }
}

function formatSeconds(s: number): string {
  return `${Math.round(s * 10) / 10}s`;
}

function countNewlines(s: string): number {
  return s.split('\n').length - 1;
}

function leadingSpace(s: string): number {
  return s.length - s.trimStart().length;
}
