import { expect } from 'chai';
import { evaluateExpectation, parseAnnotation, SUBJECT_NAMES, type ExerciseFacts } from '../../src/lesson/annotations.ts';
import { LessonError } from '../../src/lesson/lesson-error.ts';
import { evaluateObjectClaim } from '../../src/lesson/object-claims.ts';

// Facts as the runner would gather them for job-4 (deadline exceeded after 2 restarts).
const job4: ExerciseFacts = {
  podCount: 1,
  maxActivePods: 1,
  sequential: true,
  completions: 1,
  succeeded: 0,
  failed: 1,
  conditions: [{ type: 'FailureTarget', reason: 'DeadlineExceeded' }, { type: 'Failed', reason: 'DeadlineExceeded' }],
  maxRestarts: 2,
  containerDurations: [1.1, 1.0, 1.2],
  jobDurationSeconds: 20.4,
};

const check = (text: string, facts: ExerciseFacts = job4) => {
  const [exp] = parseAnnotation(text, 1);
  if (!exp || exp.kind === 'object') throw new Error('no timeline expectation');
  return evaluateExpectation(exp, facts);
};

function parseError(text: string, line = 10): LessonError {
  try {
    parseAnnotation(text, line, 'l.md');
  } catch (error) {
    expect(error).to.be.instanceOf(LessonError);
    return error as LessonError;
  }
  expect.fail(`expected "${text}" to be rejected`);
}

describe('parseAnnotation', () => {
  it('parses several clauses with their lines from a whole comment', () => {
    const exps = parseAnnotation('<!-- expect: pods == 5; pods.max-active <= 1;\n  job.completions == null; container.duration in 5..8s -->', 40);
    expect(exps.map((e) => [e.kind === 'object' ? e.resource : e.subject, e.op, e.line])).to.deep.equal([
      ['pods', '==', 40], ['pods.max-active', '<=', 40], ['job.completions', '==', 41], ['container.duration', 'in', 41],
    ]);
    expect(exps[2]?.expected).to.deep.equal({ kind: 'null' });
    expect(exps[3]?.expected).to.deep.equal({ kind: 'range', min: 5, max: 8 });
  });

  it('parses conditions with and without reason, and booleans', () => {
    const [a, b, c] = parseAnnotation('job.condition == Failed/DeadlineExceeded; job.condition != Complete; pods.sequential == true', 1);
    expect(a?.expected).to.deep.equal({ kind: 'condition', type: 'Failed', reason: 'DeadlineExceeded' });
    expect(b?.expected).to.deep.equal({ kind: 'condition', type: 'Complete' });
    expect(c?.expected).to.deep.equal({ kind: 'boolean', value: true });
  });

  it('rejects an unknown subject with the line and every valid subject', () => {
    const error = parseError('pod.count == 1');
    expect(error.line).to.equal(10);
    expect(error.message).to.contain('l.md:10: unknown subject "pod.count"');
    for (const s of SUBJECT_NAMES) expect(error.message).to.contain(s);
  });

  it('rejects operators and values that do not fit the subject', () => {
    expect(parseError('job.condition < Failed').message).to.contain('operator < does not apply to job.condition');
    expect(parseError('pods == five').message).to.contain('"five" is not a valid value for pods');
    expect(parseError('pods == null').message).to.contain('not a valid value');
    expect(parseError('pods in 5..1').message).to.contain('not a valid value');
    expect(parseError('pods.sequential == yes').message).to.contain('pods.sequential == true');
    expect(parseError('pods 5').message).to.contain('cannot read expectation');
    expect(parseError('<!-- expect: -->').message).to.contain('empty expectation');
  });

  it('reports the line of a bad clause in a multi-line comment', () => {
    expect(parseError('pods == 1;\n\n podz == 2', 20).line).to.equal(22);
  });
});

describe('evaluateExpectation', () => {
  it('compares counts with every operator', () => {
    expect(check('pods == 1').ok).to.equal(true);
    expect(check('pods != 1').ok).to.equal(false);
    expect(check('pod.restarts < 2').ok).to.equal(false);
    expect(check('pod.restarts <= 2').ok).to.equal(true);
    expect(check('pod.restarts > 2').ok).to.equal(false);
    expect(check('pod.restarts >= 2').ok).to.equal(true);
    expect(check('pod.restarts in 1..3').ok).to.equal(true);
    expect(check('pod.restarts in 3..5').ok).to.equal(false);
    expect(check('job.failed == 1').ok).to.equal(true);
  });

  it('says what it expected and what the cluster had', () => {
    const result = check('job.succeeded == 1');
    expect(result).to.deep.equal({ ok: false, actual: '0', expected: '== 1', message: 'expected job.succeeded == 1, cluster had 0' });
  });

  it('matches conditions by type and optional reason', () => {
    expect(check('job.condition == Failed/DeadlineExceeded').ok).to.equal(true);
    expect(check('job.condition == Failed').ok).to.equal(true);
    expect(check('job.condition == Failed/BackoffLimitExceeded').ok).to.equal(false);
    expect(check('job.condition != Failed/BackoffLimitExceeded').ok).to.equal(true);
    expect(check('job.condition != Complete').ok).to.equal(true);
    expect(check('job.condition == Complete').actual).to.equal('FailureTarget/DeadlineExceeded, Failed/DeadlineExceeded');
  });

  it('requires every container run to satisfy a duration bound', () => {
    expect(check('container.duration < 2').ok).to.equal(true);
    expect(check('container.duration < 1.15').ok).to.equal(false);
    expect(check('container.duration < 1', { ...job4, containerDurations: [] }).actual).to.equal('no container has finished');
    expect(check('container.duration < 1', { ...job4, containerDurations: [] }).ok).to.equal(false);
  });

  it('handles null completions, booleans and job duration', () => {
    const workQueue = { ...job4, completions: null, sequential: false };
    expect(check('job.completions == null', workQueue).ok).to.equal(true);
    expect(check('job.completions == null').ok).to.equal(false);
    expect(check('job.completions != null').ok).to.equal(true);
    expect(check('job.completions >= 1', workQueue).ok).to.equal(false);
    expect(check('pods.sequential == true', workQueue).ok).to.equal(false);
    expect(check('pods.sequential != true', workQueue).ok).to.equal(true);
    expect(check('job.duration in 18..25').ok).to.equal(true);
    expect(check('job.duration < 20s').actual).to.equal('20.4s');
    expect(check('job.duration > 1', { ...job4, jobDurationSeconds: null }).ok).to.equal(false);
  });
});

describe('claims on any object', () => {
  const claim = (text: string) => {
    const [c] = parseAnnotation(text, 3, 'l.md');
    if (c?.kind !== 'object') throw new Error('not an object claim');
    return c;
  };
  const deployment = { status: { readyReplicas: 3 }, spec: { template: { spec: { containers: [{ image: 'nginx:1.27' }] } } }, data: { 'ca.crt': 'x' } };

  it('reads resource, namespace, path, operator and value', () => {
    expect(claim('deploy/web -n shop .spec.template.spec.containers[0].image == nginx:1.27')).to.deep.include({
      resource: 'deploy/web', namespace: 'shop', path: ['spec', 'template', 'spec', 'containers', 0, 'image'], op: '==', expected: 'nginx:1.27',
    });
    expect(claim('configmap/c .data["ca.crt"] == x').path).to.deep.equal(['data', 'ca.crt']);
  });

  it('evaluates numbers, ranges, text and missing fields (a count kubectl omits at zero reads as 0)', () => {
    expect(evaluateObjectClaim(claim('deployment/web .status.readyReplicas == 3'), deployment).ok).to.equal(true);
    expect(evaluateObjectClaim(claim('deployment/web .status.readyReplicas in 1..2'), deployment)).to.include({ ok: false, actual: '3' });
    expect(evaluateObjectClaim(claim('deployment/web .spec.template.spec.containers[0].image == nginx:1.26'), deployment).message)
      .to.equal('expected deployment/web .spec.template.spec.containers[0].image == "nginx:1.26", cluster had nginx:1.27');
    expect(evaluateObjectClaim(claim('deployment/web .status.availableReplicas == 0'), deployment).ok).to.equal(true);
    expect(evaluateObjectClaim(claim('deployment/web .status.readyReplicas == 3'), undefined)).to.include({ ok: false, actual: 'no such object' });
  });

  it('rejects a claim it cannot read, at its line', () => {
    expect(() => parseAnnotation('<!-- expect: deployment/web status == 3 -->', 9, 'l.md')).to.throw(/l\.md:9: cannot read the claim/);
    expect(() => parseAnnotation('<!-- expect: deployment/web .status..x == 3 -->', 9, 'l.md')).to.throw(/cannot read the path/);
    expect(() => parseAnnotation('<!-- expect: deployment/web .status.phase > Running -->', 9, 'l.md')).to.throw(/> needs a number/);
  });
});
