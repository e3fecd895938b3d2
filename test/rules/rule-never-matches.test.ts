import { ruleNeverMatches } from '../../server/src/rules/rule-never-matches';
import { ruleTester } from './tester';
import { lineOf, script, STYLES } from './fixtures';

ruleTester(ruleNeverMatches, {
  valid: [
    ruleNeverMatches.examples.good,
    { name: 'out-interface in forward and output', code: script(['chain=forward action=accept out-interface=ether1', 'chain=output action=accept out-interface-list=WAN'], 'export') },
    { name: 'in-interface in input and forward', code: script(['chain=input action=accept in-interface=ether1', 'chain=forward action=accept in-interface-list=LAN'], 'export') },
    { name: 'a negated interface in output', code: script(['chain=output action=accept in-interface=!ether1'], 'export') },
    { name: 'a disabled contradiction', code: script(['chain=input action=accept out-interface=ether1 disabled=yes'], 'export') },
    { name: 'tcp-flags with tcp', code: script(['chain=input action=drop protocol=tcp tcp-flags=syn,!ack'], 'export') },
    { name: 'tcp-flags without a protocol', code: script(['chain=input action=drop tcp-flags=syn'], 'export') },
    { name: 'in-interface in mangle postrouting (forwarded packets have one)', code: script(['chain=postrouting action=mark-packet new-packet-mark=x in-interface=ether2'], 'export', 'ip firewall mangle') },
    {
      name: 'a custom chain reached from input and forward',
      code: script(['chain=input action=jump jump-target=c', 'chain=forward action=jump jump-target=c', 'chain=c action=accept out-interface=ether1'], 'export'),
    },
    { name: 'a custom chain nothing jumps to (chain-unused reports it)', code: script(['chain=c action=accept out-interface=ether1'], 'export') },
    { name: 'nat is left alone', code: script(['chain=dstnat action=accept out-interface=ether1'], 'export', 'ip firewall nat') },
  ],
  invalid: [
    { name: 'meta example', code: ruleNeverMatches.examples.bad, errors: [{ line: 3, column: 1, message: /out-interface=bridge in chain input where the outgoing interface is not decided yet/ }], output: null },
    ...STYLES.map((s) => ({
      name: `in-interface in output (${s})`,
      code: script(['chain=output action=drop in-interface=ether1 protocol=tcp'], s),
      errors: [{ line: lineOf(0, s), message: /in-interface=ether1 in chain output which sees only packets the router itself sends/ }],
    })),
    { name: 'in-interface-list in IPv6 output', code: script(['chain=output action=accept in-interface-list=LAN'], 'export', 'ipv6 firewall filter'), errors: [{ line: 2 }] },
    { name: 'tcp-flags with udp', code: script(['chain=input action=drop protocol=udp tcp-flags=syn'], 'export'), errors: [{ line: 2, message: /tcp-flags=syn needs TCP, but protocol=udp/ }] },
    { name: 'tcp-flags with !tcp', code: script(['chain=forward action=drop protocol=!tcp tcp-flags=fin,syn'], 'export'), errors: [{ line: 2, message: /protocol=!tcp/ }] },
    {
      name: 'out-interface in a custom chain reached only from input',
      code: script(['chain=input action=jump jump-target=mgmt', 'chain=mgmt action=accept out-interface=bridge', 'chain=mgmt action=return'], 'export'),
      errors: [{ line: 3, message: /chain mgmt, reached only from input,/ }],
    },
  ],
});
