/**
 * Output formats that kubectl or the API changed between versions, each with the version that
 * changed it and where upstream: only these may turn a differing line into a "version-dependent"
 * warning. Anything else that differs is an error — a log line cut short (`consuming` for
 * `consuming a message`) is a broken lesson, not a newer kubectl.
 */
export interface FormatChange {
  id: string;
  /** What changed, for the finding. */
  change: string;
  /** The first version printing the newer form. */
  since: string;
  /** Where upstream the newer form is printed. */
  source: string;
  /** True when one line is the older form and the other the newer form of the same output. */
  matches: (older: string, newer: string) => boolean;
}

export const FORMAT_CHANGES: readonly FormatChange[] = [
  {
    id: 'delete-names-namespace',
    change: '`kubectl delete` names the namespace: `job.batch "pi" deleted from default namespace`',
    since: 'kubectl v1.34',
    source: 'k8s.io/kubectl pkg/cmd/delete/delete.go',
    matches: (older, newer) => /^\S+ "[^"]+" deleted$/.test(older) && new RegExp(`^${escape(older)} from \\S+ namespace$`).test(newer),
  },
];

/**
 * Lines a newer kubectl prints where an older one printed nothing (warnings on stderr, which a
 * student's terminal shows): only these may be missing from a lesson's output without an error.
 */
export interface AddedLine {
  id: string;
  change: string;
  since: string;
  source: string;
  /** The commands that print it. */
  command: RegExp;
  line: RegExp;
}

export const ADDED_LINES: readonly AddedLine[] = [
  {
    id: 'rollout-undo-apply-warning',
    change: '`kubectl rollout undo` of a resource made by `kubectl apply` warns that the last-applied annotation is not rolled back',
    since: 'kubectl v1.36',
    source: 'k8s.io/kubectl pkg/cmd/rollout/rollout_undo.go (warningRollbackApplyManagedResource)',
    command: /\brollout\s+undo\b/,
    line: /^Warning: resource \S+ was previously managed with '\S+ apply'\. Rolling back will not update the \S+ annotation/,
  },
];

/**
 * The cluster's output without the known added lines the lesson does not show, and those lines
 * with the change that explains each (a lesson that shows the line keeps it compared as usual).
 */
export function withoutAddedLines(command: string, actual: string, documented: string): { output: string; added: { line: string; change: AddedLine }[] } {
  const changes = ADDED_LINES.filter((c) => c.command.test(command) && !documented.split('\n').some((l) => c.line.test(l.trim())));
  const added: { line: string; change: AddedLine }[] = [];
  const kept = actual.split('\n').filter((line) => {
    const change = changes.find((c) => c.line.test(line.trim()));
    if (change) added.push({ line: line.trim(), change });
    return !change;
  });
  return { output: kept.join('\n'), added };
}

/** The known change that explains the difference between a lesson's line and the cluster's, if any. */
export function formatChangeBetween(lesson: string, cluster: string): FormatChange | undefined {
  return FORMAT_CHANGES.find((c) => c.matches(lesson, cluster) || c.matches(cluster, lesson));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
