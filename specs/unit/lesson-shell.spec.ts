// One student terminal across commands: what carries over, what does not, and how bash's messages
// read. Real bash on the host (the host executor); each command its own process.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { hostExecutor, type CommandExecutor } from '../../src/shell/command-executor.ts';
import { LessonShell } from '../../src/shell/lesson-shell.ts';

describe('lesson shell', () => {
  let dir: string;
  let executor: CommandExecutor;
  let shell: LessonShell;
  const run = async (command: string) => shell.run(command);
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'shell-spec-'));
    executor = hostExecutor({ cwd: dir, env: { PATH: '/usr/bin:/bin', HOME: dir }, outputLimitBytes: 4096, defaultTimeoutMs: 5_000 });
    shell = await LessonShell.create(executor, path.join(dir, '.lesson-shell'));
  });
  afterEach(async () => {
    await executor.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries variables, exported names, functions, aliases and the working directory', async () => {
    await run('export NS=shop; X=1; count() { echo "n=$1"; }; alias k="echo kubectl"');
    await run('mkdir -p work && cd work');
    const r = await run('echo "$NS $X $(basename "$PWD") $(basename "$OLDPWD")"; count 3; k get pods; bash -c \'echo "child sees ${NS:-nothing} ${X:-nothing}"\'');
    expect(r.output).to.equal(`shop 1 work ${path.basename(dir)}\nn=3\nkubectl get pods\nchild sees shop nothing\n`);
  });

  it('keeps state across a failing command and an exit, and reports exit codes as bash does', async () => {
    await run('Y=2');
    expect((await run('exit 3')).exitCode).to.equal(3);
    expect((await run('false')).exitCode).to.equal(1);
    expect((await run('echo $Y')).output).to.equal('2\n');
  });

  it('says "line 1" in bash messages, as a student\'s terminal does', async () => {
    expect((await run('no-such-command')).output).to.equal('bash: line 1: no-such-command: command not found\n');
    expect((await run('echo a\nno-such-2')).output).to.equal('a\nbash: line 2: no-such-2: command not found\n');
  });

  it('starts like a fresh terminal: no OLDPWD, nothing of the harness in a child process', async () => {
    const r = await run('echo "${OLDPWD-unset}"; bash -c \'declare -F | wc -l; env | grep -c ^__ || true\'');
    expect(r.output).to.equal('unset\n0\n0\n');
  });

  it('ends the whole process tree at the timeout (a pipe whose child outlives the shell)', async () => {
    const started = Date.now();
    const r = await shell.run('sleep 30 | cat', { timeoutMs: 500 });
    expect(r.timedOut).to.equal(true);
    expect(Date.now() - started).to.be.lessThan(5_000);
  });
});
