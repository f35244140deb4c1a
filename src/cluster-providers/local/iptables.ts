// The kubelet adds a few iptables chains of its own (KUBE-FIREWALL, KUBE-KUBELET-CANARY,
// KUBE-IPTABLES-HINT) in both families, and kube-proxy many (KUBE-SERVICES, KUBE-SVC-*, KUBE-SEP-*,
// KUBE-POSTROUTING …). We note which KUBE-* chains existed before the cluster started and remove
// only the ones it added, with the jumps into them — a host that also runs a real Kubernetes keeps
// its own.
import { readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';

export interface Chain { tool: 'iptables' | 'ip6tables'; table: string; chain: string }

const key = (c: Chain): string => `${c.tool}/${c.table}/${c.chain}`;

async function save(tool: Chain['tool']): Promise<string> {
  const result = await execa(`${tool}-save`, [], { reject: false });
  return result.exitCode === 0 ? String(result.stdout) : '';
}

/** A rule that jumps into a KUBE-* chain: `rule` as iptables-save prints it, without `-A `. */
export interface Jump { table: string; from: string; rule: string; target: string }

/** Pure: the KUBE-* chains and the rules that jump to them, from iptables-save output. */
export function parseKubeChains(tool: Chain['tool'], saved: string): { chains: Chain[]; jumps: Jump[] } {
  const chains: Chain[] = [];
  const jumps: Jump[] = [];
  let table = '';
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const declared = /^:(KUBE-[\w-]+) /.exec(line);
    if (declared?.[1]) chains.push({ tool, table, chain: declared[1] });
    const jump = /^-A (\S+) .*-j (KUBE-[\w-]+)/.exec(line);
    if (jump?.[1] && jump[2]) jumps.push({ table, from: jump[1], rule: line.slice(3), target: jump[2] });
  }
  return { chains, jumps };
}

async function current(): Promise<{ chains: Chain[]; jumps: (Jump & { tool: Chain['tool'] })[] }> {
  const all = { chains: [] as Chain[], jumps: [] as (Jump & { tool: Chain['tool'] })[] };
  for (const tool of ['iptables', 'ip6tables'] as const) {
    const parsed = parseKubeChains(tool, await save(tool));
    all.chains.push(...parsed.chains);
    all.jumps.push(...parsed.jumps.map((j) => ({ ...j, tool })));
  }
  return all;
}

export async function recordChainsBefore(file: string): Promise<void> {
  await writeFile(file, JSON.stringify((await current()).chains.map(key)));
}

async function chainsAdded(file: string): Promise<{ added: Chain[]; jumps: Awaited<ReturnType<typeof current>>['jumps'] } | undefined> {
  const before = await readFile(file, 'utf8').then((t) => new Set(JSON.parse(t) as string[]), () => undefined);
  if (!before) return undefined; // no record: this cluster never started here, nothing to remove
  const now = await current();
  const added = now.chains.filter((c) => !before.has(key(c)));
  const addedKeys = new Set(added.map(key));
  // Jumps from chains that stay: the built-in ones, and KUBE-* chains that were there before —
  // kube-proxy's chain names are the same in every cluster, so while another cluster runs, its
  // KUBE-SVC-<kube-dns> also holds this cluster's jumps to its KUBE-SEP-* (and -X would fail).
  // Jumps from chains that go are flushed with them.
  const stays = (j: Jump & { tool: Chain['tool'] }): boolean => !addedKeys.has(`${j.tool}/${j.table}/${j.from}`);
  return { added, jumps: now.jumps.filter((j) => stays(j) && addedKeys.has(`${j.tool}/${j.table}/${j.target}`)) };
}

export async function listAddedChains(file: string): Promise<string[]> {
  return ((await chainsAdded(file))?.added ?? []).map((c) => `iptables chain ${c.tool} -t ${c.table} ${c.chain}`);
}

export async function removeAddedChains(file: string): Promise<void> {
  const found = await chainsAdded(file);
  if (!found) return;
  for (const j of found.jumps) await execa(j.tool, ['-t', j.table, '-D', ...splitRule(j.rule)], { reject: false });
  for (const c of found.added) await execa(c.tool, ['-t', c.table, '-F', c.chain], { reject: false });
  for (const c of found.added) await execa(c.tool, ['-t', c.table, '-X', c.chain], { reject: false });
}

/** Splits an iptables-save rule into arguments, keeping "quoted comments" whole. */
export function splitRule(rule: string): string[] {
  return [...rule.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

