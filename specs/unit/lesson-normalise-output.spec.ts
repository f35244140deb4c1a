import { expect } from 'chai';
import { isTableHeader, normaliseLine, normaliseOutput, normaliseText, splitBlocks } from '../../src/lesson/normalise-output.ts';

describe('normaliseOutput', () => {
  it('replaces random pod-name suffixes, keeping the owner name', () => {
    expect(normaliseText('countdown-jfwzk')).to.equal('countdown-<id>');
    expect(normaliseText('job-2-nvd7q   0/1')).to.equal('job-2-<id>   0/1');
    expect(normaliseText('pod/countdown-jfwzk created')).to.equal('pod/countdown-<id> created');
    expect(normaliseText('Created pod: job-4-ztrgj')).to.equal('Created pod: job-4-<id>');
    expect(normaliseText('job.batch/job-2 created')).to.equal('job.batch/job-2 created');
    expect(normaliseText('job-2-nvd7qx')).to.equal('job-2-nvd7qx');
  });

  it('replaces ages and durations but not counts or ratios', () => {
    expect(normaliseText('24s 59s 3m27s 2d 5h3m <unknown> 1/1 0 5/1 of 5')).to.equal('<age> <age> <age> <age> <age> <age> 1/1 0 5/1 of 5');
  });

  it('drops the restart time and records it', () => {
    const line = normaliseLine('job-4-ztrgj   0/1     Error      1 (2s ago)   8s', 7);
    expect(line).to.include({ line: 7, restartAgo: true, text: 'job-4-<id> 0/1 Error 1 <age>' });
    expect(normaliseLine('job-4-ztrgj   0/1     Error      1   8s', 1).restartAgo).to.equal(false);
  });

  it('ignores alignment, trailing spaces and blank lines', () => {
    const a = normaliseOutput('NAME        COMPLETIONS   DURATION   AGE   \n\ncountdown   1/1           24s        59s\n', 60);
    const b = normaliseOutput('NAME COMPLETIONS DURATION AGE\ncountdown 1/1 5s 2m');
    expect(a.map((l) => l.text)).to.deep.equal(b.map((l) => l.text));
    expect(a.map((l) => l.line)).to.deep.equal([60, 62]);
    expect(a[0]?.raw).to.equal('NAME        COMPLETIONS   DURATION   AGE');
  });

  it('marks ellipsis lines', () => {
    expect(['. . .', '...', '  …', 'a...'].map((t) => normaliseLine(t, 1).ellipsis)).to.deep.equal([true, true, true, false]);
  });
});

describe('splitBlocks', () => {
  it('detects all-caps headers only', () => {
    expect(isTableHeader('NAME   READY   STATUS   RESTARTS   AGE')).to.equal(true);
    expect(isTableHeader('job.batch/job-2 created')).to.equal(false);
    expect(isTableHeader('NAME')).to.equal(false);
  });

  it('separates leading plain lines from a table and keeps multi-word cells', () => {
    const blocks = splitBlocks('job.batch/job-3 created\nNAME    STATUS     COMPLETIONS   DURATION   AGE\njob-3   Complete   5/1 of 5      15s        20s\n. . .', 100);
    expect(blocks.map((b) => b.kind)).to.deep.equal(['plain', 'table']);
    const table = blocks[1]?.kind === 'table' ? blocks[1].table : undefined;
    expect(table?.line).to.equal(101);
    expect(table?.partial).to.equal(true);
    expect(table?.rows[0]?.cells).to.deep.equal(['job-3', 'Complete', '5/1 of 5', '15s', '20s']);
    expect(table?.rows[0]?.normalised).to.deep.equal(['job-3', 'Complete', '5/1 of 5', '<age>', '<age>']);
  });

  it('splits a row with a restart time into the header columns', () => {
    const [block] = splitBlocks('NAME          READY   STATUS    RESTARTS      AGE\njob-4-k8xzq   1/1     Running   2 (14s ago)   18s');
    const row = block?.kind === 'table' ? block.table.rows[0] : undefined;
    expect(row?.cells).to.deep.equal(['job-4-k8xzq', '1/1', 'Running', '2', '18s']);
    expect(row?.restartAgo).to.equal(true);
  });
});
