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
  it('lists KUBE-* chains per table and the jumps into them, from built-in and KUBE-* chains', () => {
    const parsed = parseKubeChains('iptables', `${saved}*nat
:KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
:KUBE-SEP-MGCEOR4P6HUNUSES - [0:0]
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.174.1:53" -j KUBE-SEP-MGCEOR4P6HUNUSES
COMMIT
`);
    expect(parsed.chains.map((c) => `${c.table}/${c.chain}`)).to.deep.equal([
      'filter/KUBE-FIREWALL', 'filter/KUBE-KUBELET-CANARY', 'mangle/KUBE-IPTABLES-HINT', 'nat/KUBE-SVC-TCOU7JCQXEZGVUNU', 'nat/KUBE-SEP-MGCEOR4P6HUNUSES',
    ]);
    expect(parsed.jumps).to.deep.equal([
      { table: 'filter', from: 'INPUT', rule: 'INPUT -j KUBE-FIREWALL', target: 'KUBE-FIREWALL' },
      { table: 'nat', from: 'KUBE-SVC-TCOU7JCQXEZGVUNU', rule: 'KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.174.1:53" -j KUBE-SEP-MGCEOR4P6HUNUSES', target: 'KUBE-SEP-MGCEOR4P6HUNUSES' },
    ]);
  });
  it('splits a rule into arguments, keeping quoted comments whole', () => {
    expect(splitRule('INPUT -m comment --comment "a b" -j X')).to.deep.equal(['INPUT', '-m', 'comment', '--comment', 'a b', '-j', 'X']);
  });
});
