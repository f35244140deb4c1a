/**
 * Names a lesson's commands take from the author's own run (`kubectl logs web-7d9c5b8f6-x2x4q`,
 * `kubectl get job hello-29412345`) or leave to the student (`kubectl logs <pod-name>`). A student
 * looks up this run's names and types those; so does the harness. Pure: objects in, command out.
 */
import { normaliseText } from '../lesson/normalise-output.ts';

export interface LiveObject {
  kind: string;
  name: string;
}

export interface NameSubstitution {
  command: string;
  /** Each replacement made, to tell the author. */
  replaced: { from: string; to: string; placeholder: boolean }[];
  /** Placeholders no object could fill. */
  unresolved: string[];
}

/** `<pod-name>`, `<your pod>`, `<NODE_NAME>` — not `<<EOF`, `< file`, `<(cmd)` nor `<none>` in output. */
const PLACEHOLDER = /(?<![<\w$])<([A-Za-z][\w .-]*?[A-Za-z0-9])>(?!>)/g;
/** Which kind of object a placeholder asks for, by the words in it. */
const PLACEHOLDER_KINDS: [RegExp, string][] = [
  [/pod/i, 'Pod'], [/job/i, 'Job'], [/cron/i, 'CronJob'], [/deploy/i, 'Deployment'], [/replica/i, 'ReplicaSet'],
  [/stateful/i, 'StatefulSet'], [/daemon/i, 'DaemonSet'], [/service|svc/i, 'Service'], [/node/i, 'Node'],
];
const NAME_TOKEN = /(?<![\w.-])[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?![\w-])/g;

/**
 * `live` lists objects that exist now, oldest first (the newest of a kind is the one a student
 * just made). Names in the command that are no live object, but have the shape of a generated
 * name whose owner part matches one, become that object's name.
 */
export function substituteNames(command: string, live: readonly LiveObject[]): NameSubstitution {
  const replaced: NameSubstitution['replaced'] = [];
  const unresolved: string[] = [];
  const newest = (kind: string) => live.filter((o) => o.kind === kind).at(-1)?.name;
  let result = command.replace(PLACEHOLDER, (whole, words: string) => {
    const kind = PLACEHOLDER_KINDS.find(([re]) => re.test(words))?.[1];
    const name = kind ? newest(kind) : undefined;
    if (!name) {
      unresolved.push(whole);
      return whole;
    }
    replaced.push({ from: whole, to: name, placeholder: true });
    return name;
  });
  const names = new Set(live.map((o) => o.name));
  result = result.replace(NAME_TOKEN, (token) => {
    if (names.has(token)) return token;
    const shape = normaliseText(token);
    if (shape === token || !/<(id|hash|n)>/.test(shape)) return token;
    const match = live.filter((o) => normaliseText(o.name) === shape).at(-1);
    if (!match) return token;
    replaced.push({ from: token, to: match.name, placeholder: false });
    return match.name;
  });
  return { command: result, replaced, unresolved };
}
