// npm run cluster:up / cluster:down — the embedded local cluster for people at a terminal.
// `up` leaves the cluster running in the background (KUBECONFIG printed); `down` removes it and
// anything an interrupted run left behind, then reports what is left (nothing, normally).
import { LocalClusterProvider } from '../cluster-providers/local/local-cluster-provider.ts';
import { HarnessError } from '../errors/harness-error.ts';

async function main(command: string | undefined): Promise<number> {
  const provider = new LocalClusterProvider({ detached: command === 'up' });
  if (command === 'up') {
    const cluster = await provider.start();
    process.stdout.write(`\nCluster ${cluster.version} is running. Use it with:\n  export KUBECONFIG=${cluster.kubeconfigPath} PATH=${cluster.kubectlDir}:$PATH\nStop it with: npm run cluster:down\n`);
    return 0;
  }
  if (command === 'down') {
    const started = Date.now();
    const leftovers = await provider.down();
    process.stdout.write(`cluster removed in ${((Date.now() - started) / 1000).toFixed(1)} s; leftovers: ${leftovers.length ? leftovers.join(', ') : 'none'}\n`);
    return leftovers.length ? 1 : 0;
  }
  throw new TypeError(`Expected \`up\` or \`down\`, got \`${command ?? ''}\``);
}

main(process.argv[2]).then((code) => process.exit(code), (error: unknown) => {
  process.stderr.write(`error: ${error instanceof HarnessError || error instanceof TypeError ? error.message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
