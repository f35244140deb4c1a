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
  readonly #prelude: string;

  private constructor(private readonly executor: CommandExecutor, stateDir: string) {
    this.#prelude = path.join(stateDir, 'prelude.sh');
  }

  /** `stateDir` must be writable by the commands (it is inside the scratch directory). */
  static async create(executor: CommandExecutor, stateDir: string): Promise<LessonShell> {
    await mkdir(stateDir, { recursive: true });
    const shell = new LessonShell(executor, stateDir);
    const stateFile = path.join(stateDir, 'state.sh');
    const baselineFile = path.join(stateDir, 'baseline');
    // The variables every fresh shell has are not the lesson's: never carry them over.
    const fresh = await executor.run('compgen -v');
    await writeFile(baselineFile, `${fresh.output.trim()}\nBASH_REMATCH\nOLDPWD\nPWD\nPIPESTATUS\nFUNCNAME\n`);
    await writeFile(stateFile, '');
    await writeFile(shell.#prelude, preludeScript(stateFile, baselineFile));
    return shell;
  }

  run(command: string, options?: RunOptions): Promise<CommandResult> {
    return this.executor.run(this.script(command), options);
  }

  /**
   * The script for one command: the prelude (restore the terminal, save it again on exit) on the
   * same line as the command's first line, so that bash's messages say "line 1" as a student's do.
   */
  script(command: string): string {
    return `. ${JSON.stringify(this.#prelude)}; ${command}\n`;
  }
}

/**
 * Sourced before every command. Aliases are saved as functions: an alias takes effect only on lines
 * read after it was defined, and the command shares the prelude's line; a function works there.
 */
function preludeScript(stateFile: string, baselineFile: string): string {
  const state = JSON.stringify(stateFile);
  const baseline = JSON.stringify(baselineFile);
  return [
    `. ${state} 2>/dev/null`,
    `${PREFIX}save() {`,
    `  local ${PREFIX}rc=$?`,
    `  { declare -p $(compgen -v | grep -vxF -f ${baseline} | grep -v '^${PREFIX}') 2>/dev/null | grep -v '^declare -[a-zA-Z]*r'`,
    `    for f in $(compgen -A function | grep -v '^${PREFIX}'); do declare -f "$f"; done`,
    '    for a in "${!BASH_ALIASES[@]}"; do printf \'%s() { %s "$@"; }\\n\' "$a" "${BASH_ALIASES[$a]}"; done',
    `    printf 'cd %q 2>/dev/null\\n' "$PWD"`,
    `    if [ -n "\${OLDPWD+set}" ]; then printf 'OLDPWD=%q\\n' "$OLDPWD"; else echo 'unset OLDPWD'; fi`,
    `  } > ${state}.new && mv -f ${state}.new ${state}`,
    `  exit $${PREFIX}rc`,
    '}',
    `trap ${PREFIX}save EXIT`,
    '',
  ].join('\n');
}
