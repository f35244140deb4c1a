// Image references as the kubelet normalises them, tag patterns, and which stand-in answers.
import { expect } from 'chai';
import { matchStrength, parseImageReference, standInFor, tagMatches, type TagMatcher } from '../../src/images/image-reference.ts';

describe('image references', () => {
  const cases: [string, string | undefined][] = [
    ['nginx', 'docker.io library/nginx latest'],
    ['nginx:1.14.2', 'docker.io library/nginx 1.14.2'],
    ['library/busybox:1.28', 'docker.io library/busybox 1.28'],
    ['bitnami/redis', 'docker.io bitnami/redis latest'],
    ['docker.io/library/python:3.12-slim', 'docker.io library/python 3.12-slim'],
    ['index.docker.io/library/perl:5.34.0', 'docker.io library/perl 5.34.0'],
    ['r.deso.tech/library/alpine', 'r.deso.tech library/alpine latest'],
    ['registry.k8s.io/pause:3.10.1', 'registry.k8s.io pause 3.10.1'],
    ['localhost:5000/app:v1', 'localhost:5000 app v1'],
    ['localhost/app', 'localhost app latest'],
    ['Nginx', undefined],
    ['nginx:', undefined],
    ['nginx@sha256:nothex', undefined],
  ];
  for (const [input, expected] of cases) {
    it(`${input} → ${expected ?? 'not a reference'}`, () => {
      const ref = parseImageReference(input);
      expect(ref ? `${ref.registry} ${ref.repository} ${ref.tag}` : undefined).to.equal(expected);
    });
  }
  it('keeps a digest, and no default tag beside it', () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    expect(parseImageReference(`nginx@${digest}`)).to.deep.equal({ registry: 'docker.io', repository: 'library/nginx', tag: undefined, digest });
  });
});

describe('tag patterns', () => {
  const cases: [string, string, boolean][] = [
    ['any', '1.14.2', true], ['1.*', '1.27', true], ['1.*', '2.0', false], ['3.1?', '3.12', false],
    ['latest', 'latest', true], ['latest', 'latest2', false], ['*-slim', '3.12-slim', true], ['5.34', '5.34.0', false],
  ];
  for (const [pattern, tag, matches] of cases) {
    it(`${pattern} ${matches ? 'matches' : 'does not match'} ${tag}`, () => expect(tagMatches(pattern, tag)).to.equal(matches));
  }
});

describe('standInFor', () => {
  const images: (TagMatcher & { name: string })[] = [
    { name: 'nginx-any', image: 'docker.io/library/nginx', tags: 'any' },
    { name: 'nginx-1x', image: 'docker.io/library/nginx', tags: ['1.*'] },
    { name: 'nginx-exact', image: 'docker.io/library/nginx:1.14.2' },
    { name: 'alpine', image: 'docker.io/library/alpine', tags: 'any' },
    { name: 'deso-alpine', image: 'r.deso.tech/library/alpine', tags: 'any' },
    { name: 'centos7', image: 'docker.io/library/centos:7' },
    { name: 'python-listed', image: 'docker.io/library/python', tags: ['3.12-slim', 'latest'] },
  ];
  const cases: [string, string | undefined][] = [
    ['nginx', 'nginx-any'],
    ['nginx:1.27', 'nginx-1x'],
    ['nginx:1.14.2', 'nginx-exact'],
    ['nginx:2', 'nginx-any'],
    ['docker.io/library/nginx:stable-alpine', 'nginx-any'],
    ['alpine:3.19', 'alpine'],
    ['r.deso.tech/library/alpine', 'deso-alpine'],
    ['centos:7', 'centos7'],
    ['centos:8', undefined],
    ['python:3.12-slim', 'python-listed'],
    ['python:3.11', undefined],
    ['quay.io/library/nginx', undefined],
    ['redis', undefined],
    [`nginx@sha256:${'b'.repeat(64)}`, undefined],
    ['not a reference', undefined],
  ];
  for (const [ref, expected] of cases) {
    it(`${ref} → ${expected ?? 'no stand-in'}`, () => expect(standInFor(ref, images)?.name).to.equal(expected));
  }
  it('prefers the first entry of equal strength', () => {
    const twice = [{ image: 'docker.io/library/busybox', tags: 'any' as const, n: 1 }, { image: 'docker.io/library/busybox', tags: 'any' as const, n: 2 }];
    expect(standInFor('busybox', twice)?.n).to.equal(1);
  });
  it('grades an exact tag over a pattern over any', () => {
    const ref = parseImageReference('nginx:1.14.2');
    expect(ref).to.not.equal(undefined);
    if (!ref) return;
    expect(images.slice(0, 3).map((i) => matchStrength(ref, i))).to.deep.equal([1, 2, 3]);
  });
});
