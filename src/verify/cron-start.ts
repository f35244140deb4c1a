// A CronJob that runs every minute (`* * * * *`, `*/1 …`) starts its first Job at the next full
// minute. Lessons show what a student sees before that ("it has not started a Job yet", LAST
// SCHEDULE <none>), and a student is early enough in the minute most of the time. A verification
// that happens to make the CronJob in the last seconds of a minute sees the first Job run before
// the lesson's next command, and would report the lesson wrong for timing alone (seen once in ten
// `npm test` runs, on a loaded machine). So a command that makes such a CronJob is started with at
// least a margin left in the minute. Pure; verify-lesson.ts waits.

/** Seconds left in the minute that a command making a minute CronJob needs (from apply to the lesson's look). */
export const CRON_START_MARGIN_MS = 20_000;

const everyMinute = /^(?:\*|\*\/1)$/;

/** True when `text` (a manifest, or a heredoc in a command) has a CronJob whose schedule fires every minute. */
function hasMinuteCronJob(text: string): boolean {
  return text.split(/^---\s*$/m).some((doc) => /^kind:\s*CronJob\s*$/m.test(doc)
    && everyMinute.test(/^\s*schedule:\s*["']?(\S+)/m.exec(doc)?.[1] ?? ''));
}

/**
 * Does `command` make a CronJob that fires every minute: `kubectl apply|create -f` of a lesson file
 * (by its name in the command) or a heredoc holding one, or `kubectl create cronjob --schedule`?
 */
export function createsMinuteCronJob(command: string, files: readonly { fileName: string; content: string }[]): boolean {
  if (!/\bkubectl\s+(?:apply|create)\b/.test(command)) return false;
  const created = /\bkubectl\s+create\s+(?:cronjob|cj)\b.*--schedule[=\s]+["']?(\S+)/.exec(command)?.[1];
  if (created !== undefined) return everyMinute.test(created);
  if (hasMinuteCronJob(command)) return true;
  return files.some((f) => f.fileName !== '' && command.includes(f.fileName) && hasMinuteCronJob(f.content));
}

/** How long to wait at `nowMs` so that at least `marginMs` of the minute is left (0 if there is). */
export function cronStartWaitMs(nowMs: number, marginMs = CRON_START_MARGIN_MS): number {
  const left = 60_000 - (nowMs % 60_000);
  return left >= marginMs ? 0 : left + 1_000;
}
