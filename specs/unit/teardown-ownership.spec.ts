// Which processes a local cluster's teardown takes as its own, by the state directory they name.
import { expect } from 'chai';
import { namesStateDir } from '../../src/cluster-providers/local/teardown.ts';

describe('teardown: processes of this cluster', () => {
  for (const [cmdline, ours] of [
    ['/cache/kube/bin/etcd --data-dir=/var/lib/lh/etcd --name=x', true],
    ['containerd --config /var/lib/lh/containerd/config.toml', true],
    ['some-tool /var/lib/lh', true],
    ['some-tool /var/lib/lh other', true],
    // Another cluster whose directory merely starts the same (the provider spec's `<dir>-provider-test`).
    ['containerd --config /var/lib/lh-provider-test/containerd/config.toml', false],
    ['etcd --data-dir=/var/lib/lh-135/etcd', false],
    ['etcd --data-dir=/var/lib/lh-135/etcd --cert=/var/lib/lh/pki/etcd.crt', true],
    ['sleep 3600', false],
  ] as const) {
    it(`${ours ? 'takes' : 'leaves'} \`${cmdline}\``, () => {
      expect(namesStateDir(cmdline, '/var/lib/lh')).to.equal(ours);
    });
  }
});
