// Hostile lessons the parser refuses before any cluster is used: fast, with file, line and fix.
import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadLesson } from '../../src/verify/verify-lesson.ts';
import { projectRoot } from '../../src/config/project-root.ts';
import { fixtures, timed } from './support.ts';

const examplesDir = path.join(projectRoot, 'specs', 'fixtures', 'docs-site', 'content', 'en', 'examples');

async function refusal(file: string, options: { examplesDir?: string } = {}): Promise<{ message: string; ms: number }> {
  const { value, ms } = await timed(path.basename(file), () => loadLesson(file, options).then(() => '', (e: Error) => e.message));
  return { message: value, ms };
}

describe('hostile lessons: refused by the parser', () => {
  it('a file name with ..: refused at the line that names it', async () => {
    const { message, ms } = await refusal(path.join(fixtures, 'escape-dotdot.md'));
    expect(message).to.match(/escape-dotdot\.md:5: the file name \.\.\/\.\.\/\.\.\/etc\/cron\.d\/lesson-hostile\.yaml has a "\.\." segment.*Fix: name it relative/);
    expect(ms).to.be.lessThan(1_000);
  });
  it('an absolute file name: refused at the line that names it', async () => {
    const { message, ms } = await refusal(path.join(fixtures, 'escape-absolute.md'));
    expect(message).to.match(/escape-absolute\.md:5: the file name \/etc\/cron\.d\/lesson-hostile\.yaml is an absolute path.*Fix:/);
    expect(ms).to.be.lessThan(1_000);
  });
  it('a docs page including an example out of the examples folder: refused at the shortcode\'s line', async () => {
    const { message, ms } = await refusal(path.join(fixtures, 'escape-example.md'), { examplesDir });
    expect(message).to.match(/escape-example\.md:7: the example \.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/shadow is not inside the examples folder: has a "\.\." segment.*Fix:/);
    expect(ms).to.be.lessThan(1_000);
  });
  it('1 MB of shortcodes (tabs never closed, tags never ended): parsed fast', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-'));
    try {
      const file = path.join(dir, 'shortcode-flood.md');
      const head = '# Flood\n\n## One\n\n```bash\nkubectl get pods\n```\n\n';
      await writeFile(file, head + '{{< tabs >}}{{% tab name="x" %}}{{< note >}}\n'.repeat(20_000) + '{{< '.repeat(20_000));
      const { message, ms } = await refusal(file);
      expect(message).to.equal('');
      expect(ms).to.be.lessThan(2_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('a YAML alias bomb: a clear error at its document, fast', async () => {
    const { message, ms } = await refusal(path.join(fixtures, 'alias-bomb.md'));
    expect(message).to.match(/alias-bomb\.md:6: YAML document uses its aliases \(\*name\) too often.*Fix:/);
    expect(ms).to.be.lessThan(1_000);
  });
  it('1.5 MB of unclosed <!-- expect: comments: a clear error, fast (was 17 s)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hostile-'));
    try {
      const file = path.join(dir, 'unclosed-comments.md');
      await writeFile(file, `# Comments\n\n## One\n\n\`\`\`bash\nkubectl get pods\n\`\`\`\n\n${'<!-- expect: x\n'.repeat(100_000)}`);
      const { message, ms } = await refusal(file);
      expect(message).to.match(/unclosed-comments\.md:1: the lesson is 1500\d+ characters long, more than the limit of 1048576\. Fix:/);
      expect(ms).to.be.lessThan(1_000);
      // Under the size limit the scan itself must stay fast: 900 KB of unclosed comments.
      await writeFile(file, `# Comments\n\n## One\n\n\`\`\`bash\nkubectl get pods\n\`\`\`\n\n${'<!-- expect: x\n'.repeat(60_000)}`);
      const under = await refusal(file);
      expect(under.message).to.match(/unclosed-comments\.md:9: this <!-- expect: comment is never closed/);
      expect(under.ms).to.be.lessThan(1_000);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
