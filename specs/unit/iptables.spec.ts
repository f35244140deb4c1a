// Parsing iptables-save output to find the kubelet's chains and the jumps into them.
import { expect } from 'chai';
import { parseKubeChains, splitRule } from '../../src/cluster-providers/local/iptables.ts';

const saved = `*filter
:INPUT ACCEPT [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-KUBELET-CANARY - [0:0]
-A INPUT -j KUBE-FIREWALL
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -j DROP
COMMIT
*mangle
:KUBE-IPTABLES-HINT - [0:0]
COMMIT
`;

describe('iptables chains of the kubelet', () => {
  it('lists KUBE-* chains per table and the jumps from built-in chains', () => {
    const parsed = parseKubeChains('iptables', saved);
    expect(parsed.chains.map((c) => `${c.table}/${c.chain}`)).to.deep.equal(['filter/KUBE-FIREWALL', 'filter/KUBE-KUBELET-CANARY', 'mangle/KUBE-IPTABLES-HINT']);
    expect(parsed.jumps).to.deep.equal([{ table: 'filter', rule: 'INPUT -j KUBE-FIREWALL', target: 'KUBE-FIREWALL' }]);
  });
  it('splits a rule into arguments, keeping quoted comments whole', () => {
    expect(splitRule('INPUT -m comment --comment "a b" -j X')).to.deep.equal(['INPUT', '-m', 'comment', '--comment', 'a b', '-j', 'X']);
  });
});
