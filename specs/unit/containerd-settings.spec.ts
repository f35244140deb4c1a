// Which containerd each Kubernetes version runs with (the local cluster's and the kind node's).
import { expect } from 'chai';
import { containerdSettings } from '../../src/cluster-providers/containerd/containerd-settings.ts';
import type { KubernetesVersionPins } from '../../src/config/kubernetes-versions.ts';

const pins: KubernetesVersionPins = { default: 'v1.37.2', supported: ['v1.35.4', 'v1.36.3', 'v1.37.2'], outOfSupport: ['v1.34.12'], containerd: 'v2.3.7' };

describe('containerd per Kubernetes version', () => {
  for (const [version, containerd] of [
    ['v1.34.12', { source: 'host' }],
    ['v1.35.4', { source: 'host' }],
    ['v1.36.3', { source: 'built', version: 'v2.3.7' }],
    ['v1.37.2', { source: 'built', version: 'v2.3.7' }],
  ] as const) {
    it(`${version} runs ${containerd.source === 'host' ? 'Debian\'s containerd 1.6' : `containerd ${containerd.version}`}`, () => {
      const settings = containerdSettings(version, pins);
      expect(settings.containerd).to.deep.equal(containerd);
      expect(settings.containerdConfigVersion).to.equal(containerd.source === 'host' ? 2 : 4);
    });
  }
});
