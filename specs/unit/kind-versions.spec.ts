// The kind provider per Kubernetes version: which node image (offline, or kind's published one of
// the minor), which containerd and configuration format the offline image carries, its etcd tag,
// the kubectl for lessons, and what is refused. No Docker: these are the pure parts.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import YAML from 'yaml';
import { containerdSettings } from '../../src/cluster-providers/containerd/containerd-settings.ts';
import { KindClusterProvider, kubeadmConfig } from '../../src/cluster-providers/kind/kind-cluster-provider.ts';
import {
  chooseKindImage, etcdImageTag, etcdImageTagFromModule, kubectlForNode, offlineNodeImage, publishedNodeImage, publishedNodeImages,
} from '../../src/cluster-providers/kind/kind-versions.ts';
import { containerdConfig } from '../../src/cluster-providers/kind/node-files.ts';
import { resolveProvider } from '../../src/cluster-providers/resolve-provider.ts';
import { loadKubernetesVersionPins, type KubernetesVersionPins } from '../../src/config/kubernetes-versions.ts';
import { projectRoot } from '../../src/config/project-root.ts';
import { HarnessError } from '../../src/errors/harness-error.ts';

const pins: KubernetesVersionPins = { default: 'v1.37.2', supported: ['v1.35.4', 'v1.36.3', 'v1.37.2'], outOfSupport: ['v1.34.12'], containerd: 'v2.3.7' };
const noDocker = (): Promise<boolean> => Promise.resolve(false);

describe('kind: the node image per Kubernetes version', () => {
  it('the offline image is tagged with its version', () => {
    expect(offlineNodeImage('v1.36.3')).to.equal('lesson-harness/kind-node:v1.36.3');
    expect(chooseKindImage('v1.35.4', false, undefined)).to.deep.equal({ source: 'offline', image: 'lesson-harness/kind-node:v1.35.4', kubernetesVersion: 'v1.35.4' });
    expect(chooseKindImage('v1.37.2', true, '')).to.deep.equal({ source: 'offline', image: 'lesson-harness/kind-node:v1.37.2', kubernetesVersion: 'v1.37.2' });
  });

  it('every published image is kindest/node of its minor, pinned by a sha256 digest', () => {
    expect(Object.keys(publishedNodeImages).length).to.be.greaterThan(0);
    for (const [minor, image] of Object.entries(publishedNodeImages)) {
      expect(image, minor).to.match(/^kindest\/node:v(\d+\.\d+)\.\d+@sha256:[0-9a-f]{64}$/);
      expect(/^kindest\/node:v(\d+\.\d+)\./.exec(image)?.[1], image).to.equal(minor);
    }
  });

  it('`published` picks the image of the minor asked for, whatever the patch', () => {
    for (const version of ['v1.35.4', 'v1.36.3', 'v1.37.2']) {
      const choice = chooseKindImage(version, true, 'published');
      expect(choice).to.deep.equal({ source: 'published', image: publishedNodeImages[version.slice(1, 5)], kubernetesVersion: version });
      expect(choice.image).to.match(new RegExp(`^kindest/node:${version.slice(0, 5).replace('.', '\\.')}\\.`));
    }
  });

  it('`published` refuses a minor kind published no pinned image for, naming the pinned minors and the way out', () => {
    expect(() => publishedNodeImage('v1.33.4')).to.throw(TypeError, new RegExp(`^Expected a Kubernetes minor that kind publishes a node image for \\(pinned: ${Object.keys(publishedNodeImages).join(', ').replaceAll('.', '\\.')}\\), got v1\\.33\\.4 with LESSON_HARNESS_KIND_IMAGE=published\\. Unset LESSON_HARNESS_KIND_IMAGE`));
  });

  it('an image given by reference runs its own version: refused with a version asked for, taken without', () => {
    expect(() => chooseKindImage('v1.36.3', true, 'example.test/node:v1.36.0')).to.throw(TypeError, /^Expected no Kubernetes version \(--kubernetes, LESSON_HARNESS_KUBERNETES\) with LESSON_HARNESS_KIND_IMAGE=example\.test\/node:v1\.36\.0: that image runs its own version/);
    expect(chooseKindImage('v1.37.2', false, 'example.test/node:v1.36.0')).to.deep.equal({ source: 'given', image: 'example.test/node:v1.36.0' });
  });
});

describe('kind: what the offline image of each version carries', () => {
  for (const [version, configVersion, etcd] of [['v1.34.12', 2, '3.6.4-0'], ['v1.35.4', 2, '3.6.5-0'], ['v1.36.3', 4, '3.6.8-0'], ['v1.37.2', 4, '3.7.0-0']] as const) {
    it(`${version}: containerd configuration version ${configVersion}, etcd image ${etcd}`, () => {
      const settings = containerdSettings(version, pins);
      expect(settings.containerdConfigVersion).to.equal(configVersion);
      const toml = containerdConfig(settings.containerdConfigVersion);
      expect(toml.split('\n')[0]).to.equal(`version = ${configVersion}`);
      // The CRI plugin where each format puts it: one plugin in 2, split in 3 and 4.
      if (configVersion === 2) {
        expect(toml).to.include('[plugins."io.containerd.grpc.v1.cri"]\n  sandbox_image = "registry.k8s.io/pause:3.10.1"');
        expect(toml).to.not.include('io.containerd.cri.v1.images');
      } else {
        expect(toml).to.include(`[plugins.'io.containerd.cri.v1.images'.pinned_images]\n    sandbox = "registry.k8s.io/pause:3.10.1"`);
        expect(toml).to.not.include('sandbox_image');
      }
      expect(toml).to.include('SystemdCgroup = true');
      expect(etcdImageTag(version)).to.equal(etcd);
    });
  }

  it('the etcd tag is the etcd server module the version requires, not another etcd module', () => {
    const module = readFileSync(path.join(projectRoot, 'scripts/kubernetes/v1.37.mod'), 'utf8');
    expect(etcdImageTagFromModule(module)).to.equal('3.7.0-0');
    expect(etcdImageTagFromModule('require (\n\tgo.etcd.io/etcd/api/v3 v3.9.9 // indirect\n\tgo.etcd.io/etcd/server/v3 v3.6.1\n)')).to.equal('3.6.1-0');
    expect(() => etcdImageTagFromModule('require go.etcd.io/etcd/api/v3 v3.6.1')).to.throw(TypeError, /go\.etcd\.io\/etcd\/server\/v3/);
  });

  it('kubeadm gets a v1beta4 configuration (kubeadm 1.37 refuses v1beta3), the etcd tag only for the offline image', () => {
    const docs = (etcd: string | undefined): Record<string, unknown>[] => YAML.parseAllDocuments(kubeadmConfig('172.17.0.2', 'v1.37.2', etcd)).map((d) => d.toJS() as Record<string, unknown>);
    const own = docs('3.7.0-0');
    expect(own.filter((d) => String(d.apiVersion).startsWith('kubeadm.k8s.io/')).map((d) => d.apiVersion)).to.deep.equal(['kubeadm.k8s.io/v1beta4', 'kubeadm.k8s.io/v1beta4']);
    expect(own[0]?.etcd).to.deep.equal({ local: { imageTag: '3.7.0-0' } });
    expect(own[1]?.nodeRegistration).to.deep.include({ kubeletExtraArgs: [{ name: 'node-ip', value: '172.17.0.2' }] });
    expect(docs(undefined)[0]).to.not.have.property('etcd');
  });
});

describe('kind: the kubectl for lessons', () => {
  it('is the version asked for when the node runs its minor (a published node may run another patch)', () => {
    expect(kubectlForNode(chooseKindImage('v1.37.2', false, undefined), 'v1.37.2', pins)).to.equal('v1.37.2');
    expect(kubectlForNode(chooseKindImage('v1.36.3', true, 'published'), 'v1.36.4', pins)).to.equal('v1.36.3');
  });
  it('refuses a node of another minor than asked (a wrong image in the table)', () => {
    expect(() => kubectlForNode(chooseKindImage('v1.36.3', true, 'published'), 'v1.35.8', pins)).to.throw(HarnessError, /runs Kubernetes v1\.35\.8, not 1\.36 as asked/);
  });
  it('on an image given by reference: the pinned patch of its minor, else the pinned default', () => {
    expect(kubectlForNode({ source: 'given', image: 'x' }, 'v1.35.1', pins)).to.equal('v1.35.4');
    expect(kubectlForNode({ source: 'given', image: 'x' }, 'v1.32.0', pins)).to.equal('v1.37.2');
  });
});

describe('kind: the provider and its version', () => {
  const defaultVersion = loadKubernetesVersionPins().default;
  it('runs the pinned default unless a version is asked for', () => {
    const kind = new KindClusterProvider({}, {});
    expect([kind.kubernetesVersion, kind.image.image]).to.deep.equal([defaultVersion, `lesson-harness/kind-node:${defaultVersion}`]);
  });
  it('takes LESSON_HARNESS_KUBERNETES, and the version in code over it', () => {
    expect(new KindClusterProvider({}, { LESSON_HARNESS_KUBERNETES: '1.35' }).kubernetesVersion).to.match(/^v1\.35\.\d+$/);
    expect(new KindClusterProvider({ kubernetesVersion: '1.36' }, { LESSON_HARNESS_KUBERNETES: '1.35' }).kubernetesVersion).to.match(/^v1\.36\.\d+$/);
  });
  it('refuses more than one version for one cluster', () => {
    expect(() => new KindClusterProvider({ kubernetesVersion: '1.36,1.37' }, {})).to.throw(TypeError, /Expected one Kubernetes version for a single cluster/);
  });

  it('--provider kind --kubernetes 1.36 resolves to kind on 1.36 (no longer refused)', async () => {
    const { provider, reason } = await resolveProvider({ provider: 'kind', kubernetesVersion: 'v1.36.3' }, {}, noDocker);
    expect(provider).to.be.instanceOf(KindClusterProvider);
    expect((provider as KindClusterProvider).image).to.deep.equal({ source: 'offline', image: 'lesson-harness/kind-node:v1.36.3', kubernetesVersion: 'v1.36.3' });
    expect(reason).to.equal('asked for (kind, Kubernetes v1.36.3, offline node image)');
  });
  it('with LESSON_HARNESS_KIND_IMAGE=published, kind\'s image of that minor', async () => {
    const { provider } = await resolveProvider({ provider: 'kind', kubernetesVersion: 'v1.35.4' }, { LESSON_HARNESS_KIND_IMAGE: 'published' }, noDocker);
    expect((provider as KindClusterProvider).image.image).to.equal(publishedNodeImages['1.35']);
  });
  it('refuses a version with an image given by reference, and a version with the kubeconfig provider', async () => {
    let refused: unknown;
    await resolveProvider({ provider: 'kind', kubernetesVersion: 'v1.36.3' }, { LESSON_HARNESS_KIND_IMAGE: 'example.test/node:1' }, noDocker).catch((e: unknown) => { refused = e; });
    expect(refused).to.be.instanceOf(TypeError).with.property('message').that.matches(/^Expected no Kubernetes version .* with LESSON_HARNESS_KIND_IMAGE=example\.test\/node:1/);
    refused = undefined;
    await resolveProvider({ provider: 'kubeconfig', kubeconfig: '/nonexistent', kubernetesVersion: 'v1.36.3' }, {}, noDocker).catch((e: unknown) => { refused = e; });
    expect(refused).to.be.instanceOf(TypeError).with.property('message').that.matches(/^Expected no --kubernetes with the kubeconfig provider/);
  });
});
