// Version specs (`--kubernetes`, LESSON_HARNESS_KUBERNETES) and the pins a proxy listing yields.
import { expect } from 'chai';
import {
  loadKubernetesVersionPins, pickKubernetesPins, resolveKubernetesVersions, singleKubernetesVersion, validatePins, type KubernetesVersionPins,
} from '../../src/config/kubernetes-versions.ts';

const pins: KubernetesVersionPins = { default: 'v1.37.2', supported: ['v1.35.4', 'v1.36.3', 'v1.37.2'], outOfSupport: ['v1.34.12'], containerd: 'v2.3.7' };

describe('Kubernetes version specs', () => {
  for (const [spec, expected] of [
    ['default', ['v1.37.2']],
    ['supported', ['v1.35.4', 'v1.36.3', 'v1.37.2']],
    ['1.35,1.36,1.37', ['v1.35.4', 'v1.36.3', 'v1.37.2']],
    ['1.37, 1.35', ['v1.35.4', 'v1.37.2']],
    ['v1.36.3', ['v1.36.3']],
    ['1.36.3', ['v1.36.3']],
    ['v1.36', ['v1.36.3']],
    ['1.34', ['v1.34.12']],
    ['supported,default,1.37', ['v1.35.4', 'v1.36.3', 'v1.37.2']],
  ] as const) {
    it(`\`${spec}\` → ${expected.join(', ')}`, () => {
      expect(resolveKubernetesVersions(spec, pins)).to.deep.equal(expected);
    });
  }

  for (const spec of ['1.38', 'v1.36.1', 'latest', '', '1.36,', 'v2.0.0', '1.36.3-rc.0']) {
    it(`refuses \`${spec}\` with a TypeError naming what is accepted`, () => {
      expect(() => resolveKubernetesVersions(spec, pins)).to.throw(TypeError, /Expected a Kubernetes version spec: `default` \(v1\.37\.2\), `supported` \(v1\.35\.4, v1\.36\.3, v1\.37\.2\), a pinned minor \(1\.34, 1\.35, 1\.36, 1\.37\) or a pinned version \(v1\.34\.12, v1\.35\.4, v1\.36\.3, v1\.37\.2\)/);
    });
  }

  it('a single cluster takes one version: the default when none is named, else the one named', () => {
    expect(singleKubernetesVersion(undefined, pins)).to.equal('v1.37.2');
    expect(singleKubernetesVersion('', pins)).to.equal('v1.37.2');
    expect(singleKubernetesVersion('1.35', pins)).to.equal('v1.35.4');
    expect(() => singleKubernetesVersion('supported', pins)).to.throw(TypeError, /one Kubernetes version for a single cluster, got `supported` \(v1\.35\.4, v1\.36\.3, v1\.37\.2\)/);
  });
});

describe('Kubernetes version pins', () => {
  it('the committed pin file is valid, and its default is the newest supported version', () => {
    const committed = loadKubernetesVersionPins();
    expect(committed.supported).to.have.length(3);
    expect(committed.supported.at(-1)).to.equal(committed.default);
  });

  it('refuses a pin file whose default is not supported', () => {
    expect(() => validatePins({ ...pins, default: 'v1.34.12' }, 'pins.json')).to.throw(TypeError, /Expected pins\.json to hold/);
    expect(() => validatePins({ default: 'v1.37.2', supported: ['v1.37.2'], outOfSupport: [] }, 'pins.json')).to.throw(TypeError, /pin-kubernetes\.ts/);
  });

  it('picks the newest patch of the three newest stable minors, ignoring pre-releases', () => {
    const served = ['v1.13.0', 'v1.34.4', 'v1.35.4', 'v1.36.1', 'v1.36.3', 'v1.37.2', 'v1.37.10', 'v1.38.0-beta.0', 'v1.38.0-rc.1', 'v1.37.3-alpha.0'];
    expect(pickKubernetesPins(served, pins)).to.deep.equal({ default: 'v1.37.10', supported: ['v1.35.4', 'v1.36.3', 'v1.37.10'], outOfSupport: ['v1.34.12'], containerd: 'v2.3.7' });
  });

  it('a minor leaving the window stays buildable as out of support', () => {
    const served = ['v1.35.4', 'v1.36.3', 'v1.37.2', 'v1.38.0'];
    expect(pickKubernetesPins(served, pins)).to.deep.equal({ default: 'v1.38.0', supported: ['v1.36.3', 'v1.37.2', 'v1.38.0'], outOfSupport: ['v1.34.12', 'v1.35.4'], containerd: 'v2.3.7' });
  });

  it('refuses a listing without a stable version', () => {
    expect(() => pickKubernetesPins(['v1.38.0-beta.0'], pins)).to.throw(TypeError, /stable k8s\.io\/kubernetes versions, got `v1\.38\.0-beta\.0`/);
  });
});
