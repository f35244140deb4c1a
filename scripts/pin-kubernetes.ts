// npx tsx scripts/pin-kubernetes.ts — asks the Go module proxy which k8s.io/kubernetes versions it
// serves and rewrites config/kubernetes-versions.json: the default is the newest patch of the newest
// stable minor, supported the newest patches of the three newest minors. Then it generates the
// module files of any newly pinned version (scripts/kubernetes/generate-module.sh), to be committed.
// --check only reports whether the pins are current (exit 1 if not).
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../src/config/project-root.ts';
import { kubernetesMinor, kubernetesVersionsFile, loadKubernetesVersionPins, pickKubernetesPins, pinnedKubernetesVersions } from '../src/config/kubernetes-versions.ts';

const check = process.argv.includes('--check');
// `go list -m -versions` asks GOPROXY's list endpoint (…/k8s.io/kubernetes/@v/list).
const { stdout } = await execa('go', ['list', '-m', '-versions', 'k8s.io/kubernetes'], { cwd: projectRoot });
const served = stdout.trim().split(/\s+/).slice(1);
const previous = loadKubernetesVersionPins();
const next = pickKubernetesPins(served, previous);
console.log(`served by the proxy: ${served.join(' ')}`);
console.log(`pins: default ${next.default}; supported ${next.supported.join(', ')}; out of support ${next.outOfSupport.join(', ') || '(none)'}`);

const current = JSON.stringify(previous) === JSON.stringify(next);
if (check) {
  console.log(current ? 'the pins are current' : `the pins are stale: ${kubernetesVersionsFile} has default ${previous.default}, supported ${previous.supported.join(', ')}`);
  process.exit(current ? 0 : 1);
}
const file = JSON.parse(await readFile(kubernetesVersionsFile, 'utf8')) as Record<string, unknown>;
await writeFile(kubernetesVersionsFile, `${JSON.stringify({ ...file, ...next }, null, 2)}\n`);
console.log(current ? `${kubernetesVersionsFile}: unchanged` : `${kubernetesVersionsFile}: rewritten`);

for (const version of pinnedKubernetesVersions(next)) {
  const modfile = path.join(projectRoot, 'scripts', 'kubernetes', `v1.${kubernetesMinor(version)}.mod`);
  const builds = existsSync(modfile) && (await readFile(modfile, 'utf8')).includes(`k8s.io/kubernetes ${version}\n`);
  if (builds) continue;
  console.log(`generating the module files of ${version}…`);
  await execa('bash', [path.join(projectRoot, 'scripts', 'kubernetes', 'generate-module.sh'), version], { stdio: 'inherit' });
}
console.log('commit config/kubernetes-versions.json and scripts/kubernetes/v1.*.{mod,sum}; then build: scripts/build-kubernetes.sh <version>');
