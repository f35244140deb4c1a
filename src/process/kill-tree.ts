// Kills a process with everything it started. Killing the parent alone is racy: a sandbox's outer
// bwrap that dies while its child is still being set up (before --die-with-parent armed the child's
// parent-death signal) orphans that child, and the lesson's command then runs to its own end with
// the output pipe held open — an abort 30–40 ms after a spawn took 20 s under load. So each process
// is first stopped (it can fork no more), its children read from /proc, and only then is every one
// of them killed.
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** The process's one-letter state (R, S, D, T, Z…), or undefined once it is gone. */
function state(pid: number): string | undefined {
  try {
    // "pid (comm) S …": comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // gone already
  }
}

/** Waits (bounded) until a SIGSTOP took effect: a process in an uninterruptible wait stops when it returns. */
async function stopped(pid: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const s = state(pid);
    if (s === undefined || s === 'T' || s === 't' || s === 'Z') return;
    await sleep(2);
  }
}

/** SIGKILLs `pid` and all its descendants, freezing each before reading its children. */
export async function killProcessTree(pid: number): Promise<void> {
  // Breadth first; each process is appended once its parent is frozen. Bounded: a fork bomb's tree
  // is capped by the sandbox's pids limit, and stopped processes cannot grow it.
  const tree = [pid];
  for (let i = 0; i < tree.length && tree.length < 100_000; i++) {
    const next = tree[i] as number;
    signal(next, 'SIGSTOP');
    await stopped(next);
    tree.push(...children(next));
  }
  for (const member of tree) signal(member, 'SIGKILL');
}

/** killProcessTree for a spawned child (one that never got a pid is only told SIGKILL). */
export async function killChildTree(child: ChildProcess): Promise<void> {
  if (child.pid === undefined) child.kill('SIGKILL');
  else await killProcessTree(child.pid);
}
