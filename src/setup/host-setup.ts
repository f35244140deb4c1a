/**
 * Set-up on first use: before a run, scripts/setup.sh installs what the chosen cluster provider
 * needs on this host and nothing more (no Docker engine for the local cluster, no browser outside
 * the tests), one progress line per step. A second run finds everything there in well under a
 * second. This is what makes `npx lesson-verify lessons/` work in a course's own repository.
 */
import path from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../config/project-root.ts';
import { HarnessError } from '../errors/harness-error.ts';

export type SetupProfile = 'verify' | 'kind' | 'kubeconfig';

/** The profile of scripts/setup.sh a provider needs: `verify` is the local cluster's. */
export function setupProfile(providerName: string): SetupProfile {
  if (providerName === 'kind' || providerName === 'kubeconfig') return providerName;
  return 'verify';
}

/** Runs scripts/setup.sh for the profile, passing its progress lines to `log`. */
export async function runHostSetup(profile: SetupProfile, log: (line: string) => void): Promise<void> {
  const script = path.join(projectRoot, 'scripts', 'setup.sh');
  const setup = execa('bash', [script, profile], { stderr: 'pipe', stdout: 'pipe', reject: false });
  setup.stderr?.on('data', (chunk: Buffer) => { for (const line of chunk.toString().trimEnd().split('\n')) log(line); });
  const result = await setup;
  if (result.exitCode !== 0) {
    throw new HarnessError(`setting up this host for the ${profile} profile failed (output above, ${script})`, {
      fix: 'fix the cause named above and run again (as root to install packages); LESSON_HARNESS_SETUP=0 skips the set-up when the host is prepared otherwise',
    });
  }
}
