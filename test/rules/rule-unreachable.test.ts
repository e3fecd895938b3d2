import { ruleUnreachable } from '../../server/src/rules/rule-unreachable';
import { ruleTester } from './tester';
import { lineOf, S1, S2, S3, ACCEPT, script, STYLES } from './fixtures';

const EST = 'chain=input action=accept connection-state=established,related';
const DROP_WAN = 'chain=input action=drop in-interface-list=WAN';

ruleTester(ruleUnreachable, {
  valid: [
    ruleUnreachable.examples.good,
    { name: 'behind a drop for another interface list', code: script([EST, DROP_WAN, 'chain=input action=accept in-interface-list=LAN protocol=tcp dst-port=22'], 'export') },
    { name: 'behind an accept with a rate limit (may or may not take)', code: script(['chain=input action=accept protocol=icmp limit=5,5:packet', 'chain=input action=drop protocol=icmp'], 'export') },
    { name: 'behind a disabled drop', code: script(['chain=input action=drop disabled=yes', 'chain=input action=accept protocol=icmp'], 'export') },
    { name: 'a disabled rule behind a drop', code: script(['chain=input action=drop', 'chain=input action=accept protocol=icmp disabled=yes'], 'export') },
    { name: 'behind a drop inside :if', code: ':if ($x) do={ /ip firewall filter add chain=input action=drop }\n/ip firewall filter add chain=input action=accept protocol=icmp\n' },
    { name: 'different address lists', code: script(['chain=input action=drop src-address-list=bl', 'chain=input action=accept src-address-list=admins'], 'export') },
    { name: 'a rule of a chain nothing jumps to (chain-unused)', code: script(['chain=input action=drop', 'chain=spare action=accept protocol=icmp'], 'export') },
    { name: 'a rule that never matches (rule-never-matches)', code: script(['chain=input action=drop protocol=tcp', 'chain=input action=accept out-interface=ether1'], 'export') },
    { name: 'knock stages behind the drop are knock-shadowed\'s', code: script([DROP_WAN, S1, S2, S3, ACCEPT], 'export') },
    { name: 'nat is not judged', code: script(['chain=dstnat action=accept', 'chain=dstnat action=dst-nat protocol=tcp dst-port=80 to-addresses=10.0.0.2'], 'export', 'ip firewall nat') },
    { name: 'raw accept does not block filter', code: '/ip firewall raw add chain=prerouting action=accept\n/ip firewall filter add chain=input action=accept protocol=icmp\n' },
    { name: 'the accept after a non-terminal rule', code: script(['chain=input action=log', 'chain=input action=add-src-to-address-list address-list=seen address-list-timeout=1m', 'chain=input action=accept'], 'export') },
    { name: 'a script that places rules among the router\'s own', code: '/ip firewall filter add chain=input action=drop\n/ip firewall filter add chain=input action=accept protocol=icmp place-before=[find comment=x]\n' },
  ],
  invalid: [
    {
      name: 'meta example: the wireguard accept below the WAN drop',
      code: ruleUnreachable.examples.bad,
      errors: [{ line: 4, column: 1, relatedLine: 3, severity: 'error', message: /no packet reaches this rule: .*drop in chain input \(line 3\)/ }],
      safe: true,
      output: ruleUnreachable.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `a drop below an accept of everything from the interface (${s})`,
      code: script(['chain=input action=accept in-interface=ether2', 'chain=input action=drop in-interface=ether2 protocol=tcp dst-port=23'], s),
      errors: [{ line: lineOf(1, s), relatedLine: lineOf(0, s), severity: 'error' as const }],
    })),
    {
      name: 'a narrower drop below a wider drop (warning)',
      code: script([EST, DROP_WAN, 'chain=input action=drop in-interface-list=WAN protocol=tcp'], 'export'),
      errors: [{ line: 4, relatedLine: 3 }],
    },
    {
      name: 'two drops together hide the accept',
      code: script(['chain=input action=drop src-address=10.0.0.0/9', 'chain=input action=drop src-address=10.128.0.0/9', 'chain=input action=accept src-address=10.0.0.0/8'], 'export'),
      errors: [{ line: 4, severity: 'error', message: /\(line 2\), .*\(line 3\) take every packet/ }],
      output: null,
    },
    {
      name: 'a jump into a chain that drops',
      code: script(['chain=input action=jump jump-target=block', 'chain=input action=accept protocol=icmp', 'chain=block action=drop'], 'export'),
      errors: [{ line: 3, relatedLine: 2, severity: 'error' }],
    },
    {
      name: 'a raw drop of everything to the router hides the TCP accept',
      code: '/ip firewall raw add chain=prerouting action=drop dst-address-type=local\n/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22\n',
      errors: [{ line: 2, relatedLine: 1, severity: 'error' }],
    },
    {
      name: 'a duplicate accept (warning, no fix: moving it would hide the first)',
      code: script(['chain=forward action=accept connection-state=established,related', 'chain=forward action=accept connection-state=established,related', 'chain=forward action=drop'], 'export'),
      errors: [{ line: 3 }],
      output: null,
    },
  ],
});
