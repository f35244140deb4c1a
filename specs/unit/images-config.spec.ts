// config/images.yaml: the project's own file, and the errors a broken one gets (file:line, value, fix).
import { expect } from 'chai';
import { describeStandIns, loadImagesConfig, parseImagesConfig, standInRegistries } from '../../src/images/images-config.ts';
import { standInFor } from '../../src/images/image-reference.ts';

const valid = `package-sets:
  shell: [bash, coreutils]
images:
  - &nginx
    image: docker.io/library/nginx
    tags: any
    why: the web server
    base: shell
    packages: [nginx]
    expose: [80]
  - <<: *nginx
    image: docker.io/library/httpd
    why: merged from nginx
`;

function errorOf(text: string): string {
  try {
    parseImagesConfig(text, 'images.yaml');
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

describe('images config', () => {
  it('reads the project\'s config/images.yaml, with a stand-in for each image lessons commonly name', async () => {
    const config = await loadImagesConfig();
    for (const ref of ['busybox', 'busybox:1.28', 'alpine:3.19', 'bash', 'debian:bookworm', 'ubuntu:22.04', 'nginx:1.14.2', 'nginx:1.27', 'perl:5.34',
      'python:3.12-slim', 'centos:7', 'r.deso.tech/library/alpine', 'registry.k8s.io/pause:3.10.1']) {
      expect(standInFor(ref, config.images), ref).to.not.equal(undefined);
    }
    expect(standInRegistries(config.images)).to.deep.equal(['docker.io', 'r.deso.tech', 'registry.k8s.io']);
    expect(config.images.find((i) => i.image === 'docker.io/library/alpine')?.packages, 'merge key').to.deep.equal(['busybox-static']);
    expect(config.images.find((i) => i.image === 'docker.io/library/alpine')?.why).to.match(/apk is absent/);
  });

  it('parses package sets, fields and YAML merge keys', () => {
    const config = parseImagesConfig(valid, 'images.yaml');
    expect(config.packageSets).to.deep.equal({ shell: ['bash', 'coreutils'] });
    expect(config.images.map((i) => [i.image, i.base, i.packages, i.expose, i.why])).to.deep.equal([
      ['docker.io/library/nginx', 'shell', ['nginx'], [80], 'the web server'],
      ['docker.io/library/httpd', 'shell', ['nginx'], [80], 'merged from nginx'],
    ]);
  });

  it('describes each stand-in with the tags it answers for', () => {
    const text = describeStandIns([{ image: 'docker.io/library/nginx', tags: 'any', why: 'w' }, { image: 'docker.io/library/centos:7', why: 'c' },
      { image: 'docker.io/library/python', tags: ['3.*', 'latest'], why: 'p' }]);
    expect(text).to.match(/docker\.io\/library\/nginx:\* +← w/).and.match(/centos:7 +← c/).and.match(/python:3\.\*\|latest +← p/);
  });

  const broken: [string, string, RegExp][] = [
    ['no tag and no tags', valid.replace('    tags: any\n', ''), /images\.yaml:5: docker\.io\/library\/nginx has no tag and no `tags`[\s\S]*fix: add `tags: any`/],
    ['a tag and tags', valid.replace('image: docker.io/library/nginx\n', 'image: docker.io/library/nginx:1\n'), /images\.yaml:6: .*has a tag and `tags` as well/],
    ['an unknown field', valid.replace('    expose: [80]', '    ports: [80]'), /images\.yaml:10: images\[0\] has an unknown field `ports`[\s\S]*fix: use one of: image, tags/],
    ['an unknown base', valid.replace('base: shell', 'base: shel'), /images\.yaml:8: .*base `shel` is not a package set[\s\S]*fix: use one of: shell/],
    ['a bad package name', valid.replace('packages: [nginx]', 'packages: [Nginx Light]'), /images\.yaml:9: .*packages must be a list of Debian package names/],
    ['a short image name', valid.replace('image: docker.io/library/nginx\n', 'image: nginx\n'), /images\.yaml:5: images\[0\]\.image must be a full reference[\s\S]*fix: write the registry host/],
    ['bad tags', valid.replace('tags: any', 'tags: every'), /images\.yaml:6: .*tags must be `any` or a list/],
    ['no why', valid.replace('    why: the web server\n', ''), /images\.yaml:5: docker\.io\/library\/nginx needs `why`/],
    ['an unquoted mode', valid.replace('    expose: [80]', '    directories: { /run/x: "rwx" }'), /mode of \/run\/x must be octal/],
    ['a relative path', valid.replace('    expose: [80]', '    write: { etc/x: "y" }'), /write paths must be absolute/],
    ['no images', 'package-sets: {}\n', /the file needs an `images:` list/],
    ['broken YAML', 'images: [\n', /images\.yaml:\d+: not valid YAML/],
  ];
  for (const [what, text, expected] of broken) {
    it(`names the line, the value and the fix for ${what}`, () => expect(errorOf(text)).to.match(expected));
  }
});
