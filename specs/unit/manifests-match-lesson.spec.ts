// manifests/*.yaml must stay identical to the YAML blocks of the lesson they come from: the specs
// prove the manifests, so a manifest that drifted from the lesson would prove nothing about it.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { manifestBlocks, parseLesson } from '../../src/lesson/parse-lesson.ts';
import { projectRoot } from '../../src/config/project-root.ts';

const lessonFile = path.join(projectRoot, 'lessons', 'kubernetes-jobs.md');
const manifestsDir = path.join(projectRoot, 'manifests');

/** The first line where two texts differ, 1-based, with both versions; undefined when equal. */
export function firstDifference(a: string, b: string): { line: number; lesson: string; manifest: string } | undefined {
  const left = a.replace(/\n+$/, '').split('\n');
  const right = b.replace(/\n+$/, '').split('\n');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) return { line: i + 1, lesson: left[i] ?? '(end of block)', manifest: right[i] ?? '(end of file)' };
  }
  return undefined;
}

describe('manifests/ and the lesson', () => {
  const lesson = parseLesson(readFileSync(lessonFile, 'utf8'), 'lessons/kubernetes-jobs.md');
  const blocks = manifestBlocks(lesson);
  const manifests = readdirSync(manifestsDir).filter((f) => f.endsWith('.yaml'));

  it('has one manifest per YAML block of the lesson, named after its Job', () => {
    const names = blocks.map((b) => `${(YAML.parse(b.content) as { metadata: { name: string } }).metadata.name}.yaml`);
    expect(manifests.sort()).to.deep.equal([...names].sort());
  });

  for (const block of blocks) {
    const name = (YAML.parse(block.content) as { metadata: { name: string } }).metadata.name;
    it(`manifests/${name}.yaml is identical to the lesson's block at line ${block.line} (${block.exerciseTitle})`, () => {
      const diff = firstDifference(block.content, readFileSync(path.join(manifestsDir, `${name}.yaml`), 'utf8'));
      expect(diff, diff && `exercise "${block.exerciseTitle}": manifests/${name}.yaml differs from lessons/kubernetes-jobs.md at block line ${diff.line} (lesson line ${block.line + diff.line - 1}):\n  lesson:   ${diff.lesson}\n  manifest: ${diff.manifest}`).to.equal(undefined);
    });
  }

  it('reports the first differing line (checked on a changed copy)', () => {
    expect(firstDifference('a\nb\nc\n', 'a\nB\nc\n')).to.deep.equal({ line: 2, lesson: 'b', manifest: 'B' });
    expect(firstDifference('a\n', 'a\nb\n')).to.deep.equal({ line: 2, lesson: '(end of block)', manifest: 'b' });
  });
});
