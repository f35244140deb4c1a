// When a command that makes a CronJob running every minute waits for an early moment in the minute
// (src/verify/cron-start.ts).
import { expect } from 'chai';
import { createsMinuteCronJob, cronStartWaitMs } from '../../src/verify/cron-start.ts';

const cronJob = (schedule: string) => `apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: "${schedule}"\n  jobTemplate: {}\n`;
const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template: {}\n';

describe('cron start', () => {
  it('finds a minute CronJob applied from a lesson file, and not a Job or a five-minute schedule', () => {
    const files = [{ fileName: 'hello-cronjob.yaml', content: cronJob('* * * * *') }, { fileName: 'pi.yaml', content: job }, { fileName: 'slow.yaml', content: cronJob('*/5 * * * *') }];
    expect(createsMinuteCronJob('kubectl apply -f hello-cronjob.yaml', files)).to.equal(true);
    expect(createsMinuteCronJob('kubectl create -f hello-cronjob.yaml', files)).to.equal(true);
    expect(createsMinuteCronJob('kubectl apply -f pi.yaml', files)).to.equal(false);
    expect(createsMinuteCronJob('kubectl apply -f slow.yaml', files)).to.equal(false);
    expect(createsMinuteCronJob('kubectl get cronjob hello', files), 'a look, not a create').to.equal(false);
    expect(createsMinuteCronJob('cat hello-cronjob.yaml', files)).to.equal(false);
  });

  it('finds one in a heredoc, in a multi-document file, and made by kubectl create cronjob', () => {
    expect(createsMinuteCronJob(`kubectl apply -f - <<EOF\n${cronJob('*/1 * * * *')}EOF`, [])).to.equal(true);
    expect(createsMinuteCronJob('kubectl apply -f all.yaml', [{ fileName: 'all.yaml', content: `${job}---\n${cronJob('* * * * *')}` }])).to.equal(true);
    expect(createsMinuteCronJob('kubectl create cronjob hello --image=busybox --schedule="* * * * *" -- date', [])).to.equal(true);
    expect(createsMinuteCronJob('kubectl create cronjob hello --image=busybox --schedule="0 * * * *" -- date', [])).to.equal(false);
  });

  it('waits only in the last 20 s of a minute, to just past the next one', () => {
    const minute = Date.UTC(2026, 10, 28, 10, 0, 0);
    expect(cronStartWaitMs(minute + 10_000)).to.equal(0);
    expect(cronStartWaitMs(minute + 40_000)).to.equal(0);
    expect(cronStartWaitMs(minute + 45_000)).to.equal(16_000);
    expect(cronStartWaitMs(minute + 59_500)).to.equal(1_500);
  });
});
