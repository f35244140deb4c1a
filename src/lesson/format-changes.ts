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

/** The known change that explains the difference between a lesson's line and the cluster's, if any. */
export function formatChangeBetween(lesson: string, cluster: string): FormatChange | undefined {
  return FORMAT_CHANGES.find((c) => c.matches(lesson, cluster) || c.matches(cluster, lesson));
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
