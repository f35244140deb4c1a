/**
 * What the harness needs to know about a lesson command before running it: does it end by itself,
 * does it only look (so it may be run again until the state it shows has arrived), does the lesson
 * show it failing on purpose. Decided from the command text, one rule table per question.
 */

/** Simple commands of a line: split at pipes, `&&`, `||`, `;` and newlines (quotes are not parsed). */
function simpleCommands(command: string): string[][] {
  return command.split(/\|\||&&|[|;\n]/).map((part) => part.trim().split(/\s+/).filter((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w))).filter((w) => w.length > 0);
}

/** kubectl verbs that only read. `exec` is counted: lessons exec to look (env, cat, curl, nslookup). */
const READ_ONLY_KUBECTL = new Set(['get', 'describe', 'logs', 'top', 'explain', 'events', 'version', 'cluster-info', 'api-resources', 'api-versions', 'auth', 'exec', 'wait']);
const READ_ONLY_TOOLS = new Set(['echo', 'cat', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'sort', 'uniq', 'wc', 'jq', 'yq', 'base64', 'awk', 'cut', 'tr', 'column', 'curl', 'wget', 'nslookup', 'dig', 'host', 'ls', 'printenv', 'env', 'date', 'true', 'test', '[', 'printf', 'xargs', 'sed']);

function kubectlVerb(words: string[]): string | undefined {
  const k = words.findIndex((w) => w === 'kubectl' || w.endsWith('/kubectl') || w === 'k');
  if (k < 0) return undefined;
  for (let i = k + 1; i < words.length; i++) {
    const w = words[i] ?? '';
    if (w === '-n' || w === '--namespace' || w === '--context' || w === '--kubeconfig') i++;
    else if (!w.startsWith('-')) return w;
  }
  return undefined;
}

/** Only looks at the cluster or at files: safe to run again while the state it shows arrives. */
export function isReadOnly(command: string): boolean {
  const withoutHarmless = command.replace(/\d?>>?\s*\/dev\/null|\d?>&\d/g, '');
  // A heredoc feeds something (`kubectl apply -f - <<EOF`, `cat <<EOF > job.yaml`): never only a look.
  if (/>|<<(?!<)|\btee\b|\bsed\s+-i/.test(withoutHarmless)) return false;
  return simpleCommands(command).every((words) => {
    const first = words[0] ?? '';
    if (first === 'kubectl' || first === 'k' || first.endsWith('/kubectl')) {
      const verb = kubectlVerb(words) ?? '';
      if (verb === 'config') return ['view', 'get-contexts', 'current-context'].includes(words[words.indexOf('config') + 1] ?? '');
      return READ_ONLY_KUBECTL.has(verb);
    }
    return READ_ONLY_TOOLS.has(first);
  });
}

/** Never ends by itself: a watch, a followed log, `watch …`, `tail -f`. Stopped once the exercise has settled. */
export function isEndless(command: string): boolean {
  return simpleCommands(command).some((words) => {
    if (words[0] === 'watch' || (words[0] === 'tail' && words.some((w) => w === '-f' || w === '-F' || w === '--follow'))) return true;
    const verb = kubectlVerb(words);
    if (!verb) return false;
    if (['get', 'events'].includes(verb) && words.some((w) => /^(-w|--watch|--watch-only)(=true)?$/.test(w))) return true;
    if ((verb === 'logs' || verb === 'attach') && words.some((w) => /^(-f|--follow)(=true)?$/.test(w))) return true;
    return false;
  });
}

/** Serves until stopped, and the lesson goes on beside it: a port-forward, a proxy, anything ending in `&`. */
export function isBackground(command: string): boolean {
  if (/(^|[^&])&\s*$/.test(command.trim())) return true;
  return simpleCommands(command).some((words) => ['port-forward', 'proxy'].includes(kubectlVerb(words) ?? ''));
}

/** Output in which the lesson shows a command failing on purpose (`Error from server (NotFound): …`). */
export function documentsFailure(outputs: { text: string }[]): boolean {
  return outputs.some((o) => /^\s*(?:Error from server\b|error:|Error:|E\d{4} |The \S+ "[^"]*" is invalid|Unable to connect to the server|command terminated with exit code|bash: .*: command not found|cat: .*: No such file)/m.test(o.text));
}

/** Text with which a line output ends that marks a background command as up (`Forwarding from 127.0.0.1:8080`). */
export const SERVING = /Forwarding from|Starting to serve on|Listening on|listening on/;
