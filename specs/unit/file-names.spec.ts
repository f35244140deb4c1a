// Where a lesson's file may be written: table-driven, with a fake file system of symlinks.
import { expect } from 'chai';
import { checkFileName } from '../../src/sandbox/file-names.ts';

const scratch = '/tmp/lesson-abc';
/** Symlinks of the fake scratch dir, as an earlier lesson command could have made them. */
const links: Record<string, string> = {
  [`${scratch}/etc`]: '/etc/cron.d',
  [`${scratch}/up`]: '..',
  [`${scratch}/deep`]: 'k8s/../..',
  [`${scratch}/k8s-link`]: 'k8s',
  [`${scratch}/abs-inside`]: `${scratch}/k8s`,
  [`${scratch}/abs-dotdot`]: `${scratch}/k8s/../../x`,
  [`${scratch}/file-link`]: '/etc/passwd',
  [`${scratch}/loop`]: 'loop',
  [`${scratch}/k8s/out`]: '../../root',
  // A link whose target climbs through another link: `..` from /etc/cron.d is /etc, outside.
  [`${scratch}/sneaky`]: 'etc/../x',
};
const context = { scratch, readLink: (p: string) => links[p] };

describe('checkFileName', () => {
  const allowed: [string, string | undefined][] = [
    ['job.yaml', `${scratch}/job.yaml`],
    ['k8s/job.yaml', `${scratch}/k8s/job.yaml`],
    ['./k8s//job.yaml', `${scratch}/k8s/job.yaml`],
    ['k8s-link/job.yaml', `${scratch}/k8s/job.yaml`],
    ['abs-inside/job.yaml', `${scratch}/k8s/job.yaml`],
  ];
  for (const [name, resolved] of allowed) {
    it(`allows ${name} (→ ${resolved})`, () => {
      expect(checkFileName(name, context)).to.deep.equal({ ok: true, path: resolved });
    });
  }

  const refused: [string, RegExp][] = [
    ['/etc/cron.d/x.yaml', /is an absolute path/],
    ['../../../etc/cron.d/x.yaml', /has a "\.\." segment/],
    ['k8s/../../x.yaml', /has a "\.\." segment/],
    ['~/.ssh/authorized_keys', /starts with ~/],
    ['', /empty name/],
    ['a\nb.yaml', /control character/],
    ['etc/x.yaml', /symlink etc -> \/etc\/cron\.d, which points outside/],
    ['up/x.yaml', /symlink up -> \.\./],
    ['deep/x.yaml', /symlink deep -> k8s\/\.\.\/\.\./],
    ['abs-dotdot/x.yaml', /symlink abs-dotdot ->/],
    ['file-link', /symlink file-link -> \/etc\/passwd/],
    ['loop/x.yaml', /more than 40 symlinks/],
    ['k8s/out/x.yaml', /symlink k8s\/out -> \.\.\/\.\.\/root/],
    ['sneaky/x.yaml', /symlink (sneaky|etc) ->/],
    ['.', /the working directory itself/],
  ];
  for (const [name, problem] of refused) {
    it(`refuses ${JSON.stringify(name)} with the reason and a fix`, () => {
      const check = checkFileName(name, context);
      expect(check.ok, JSON.stringify(check)).to.equal(false);
      if (check.ok) return;
      expect(check.problem).to.match(problem);
      expect(check.fix).to.match(/e\.g\. job\.yaml or k8s\/job\.yaml/);
    });
  }

  it('without a scratch dir checks the name alone (the parse-time check)', () => {
    expect(checkFileName('etc/x.yaml')).to.deep.equal({ ok: true, path: 'etc/x.yaml' });
    expect(checkFileName('/etc/x.yaml').ok).to.equal(false);
  });
});
