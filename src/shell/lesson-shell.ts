/**
 * A lesson is one student's terminal: shell variables, exported names, functions, aliases and the
 * working directory carry from one command to the next. Each command still runs as its own process
 * (so it can be timed out and its whole tree ended); the terminal's state travels through a file
 * that a prelude sources and an EXIT trap rewrites, as scrut's shared shell state does.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CommandExecutor, CommandResult, RunOptions } from './command-executor.ts';

/** Names of the harness's own helpers in the student's shell. */
const PREFIX = '__lesson_';

export class LessonShell {
  readonly #stateFile: string;
  readonly #baselineFile: string;

  private constructor(private readonly executor: CommandExecutor, stateDir: string) {
    this.#stateFile = path.join(stateDir, 'state.sh');
    this.#baselineFile = path.join(stateDir, 'baseline');
  }

  /** `stateDir` must be writable by the commands (it is inside the scratch directory). */
  static async create(executor: CommandExecutor, stateDir: string): Promise<LessonShell> {
    await mkdir(stateDir, { recursive: true });
    const shell = new LessonShell(executor, stateDir);
    // The variables every fresh shell has are not the lesson's: never carry them over.
    const fresh = await executor.run('compgen -v');
    await writeFile(shell.#baselineFile, `${fresh.output.trim()}\nBASH_REMATCH\nOLDPWD\nPWD\nPIPESTATUS\n`);
    await writeFile(shell.#stateFile, '');
    return shell;
  }

  run(command: string, options?: RunOptions): Promise<CommandResult> {
    return this.executor.run(this.script(command), options);
  }

  /** The script for one command: restore the terminal, run the command, save the terminal. */
  script(command: string): string {
    const state = JSON.stringify(this.#stateFile);
    const baseline = JSON.stringify(this.#baselineFile);
    return [
      `. ${state} 2>/dev/null`,
      `${PREFIX}save() {`,
      `  local rc=$?`,
      `  { declare -p $(compgen -v | grep -vxF -f ${baseline} | grep -v '^${PREFIX}') 2>/dev/null | grep -v '^declare -[a-zA-Z]*r'`,
      `    for f in $(compgen -A function | grep -v '^${PREFIX}'); do declare -f "$f"; done`,
      `    alias -p`,
      `    printf 'cd %q 2>/dev/null\\n' "$PWD"`,
      `  } > ${state}.new && mv -f ${state}.new ${state}`,
      `  exit $rc`,
      `}`,
      `trap ${PREFIX}save EXIT`,
      // Aliases are expanded only when enabled, and only on lines read after they were defined.
      'shopt -s expand_aliases',
      command,
      '',
    ].join('\n');
  }
}
