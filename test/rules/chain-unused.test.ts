import { chainUnused } from '../../server/src/rules/chain-unused';
import { ruleTester } from './tester';
import { lineOf, script, STYLES } from './fixtures';

const EST = 'chain=input action=accept connection-state=established,related';

ruleTester(chainUnused, {
  valid: [
    chainUnused.examples.good,
    {
      name: 'a file of custom chains only, no jump, no /export header (the jumps live in a sibling file)',
      code: script(['chain=Drop-chain action=drop', 'chain=Protected-chain action=accept protocol=icmp'], 'export'),
    },
    { name: 'only built-in chains', code: script([EST, 'chain=forward action=accept', 'chain=output action=accept'], 'export') },
    { name: 'a chain reached through another custom chain', code: script(['chain=input action=jump jump-target=a', 'chain=a action=jump jump-target=b', 'chain=b action=accept'], 'export') },
    { name: 'a chain whose jump is disabled (there to be enabled)', code: script(['chain=input action=jump jump-target=a disabled=yes', 'chain=a action=accept'], 'export') },
    { name: 'a chain whose jump is inside :if', code: '/ip firewall filter add chain=a action=accept\n:if ($x) do={ /ip firewall filter add chain=input action=jump jump-target=a }\n' },
    { name: 'a jump target computed at run time', code: ':local t "a"\n/ip firewall filter add chain=a action=accept\n/ip firewall filter add chain=input action=jump jump-target=$t\n' },
    { name: 'a chain whose rules are all disabled', code: script(['chain=a action=accept disabled=yes'], 'export') },
    { name: 'mangle built-in chains', code: script(['chain=prerouting action=mark-connection new-connection-mark=x', 'chain=postrouting action=accept'], 'export', 'ip firewall mangle') },
    { name: 'nat built-in chains and hotspot', code: script(['chain=srcnat action=masquerade', 'chain=dstnat action=accept', 'chain=hs-unauth action=accept'], 'export', 'ip firewall nat') },
    { name: 'a chain a misspelt jump was meant for (jump-target-missing reports it)', code: script(['chain=input action=jump jump-target=Icmp-In', 'chain=icmp-in action=accept protocol=icmp'], 'export') },
    { name: 'the table holds rules the script did not create', code: '/ip firewall filter add chain=a action=accept place-before=[find comment=x]\n' },
  ],
  invalid: [
    {
      name: 'custom chains only, but an /export: the table is all there, nothing enters them',
      code: '# 2025-01-10 10:00:00 by RouterOS 7.16.2\n' + script(['chain=Drop-chain action=drop'], 'export'),
      errors: [{ line: 3 }],
      output: null,
    },
    { name: 'meta example', code: chainUnused.examples.bad, errors: [{ line: 4, column: 1, message: /no rule of \/ip firewall filter jumps to chain "icmp-in": its rule never runs/ }], output: null },
    ...STYLES.map((s) => ({
      name: `a chain with two rules, nothing jumps (${s})`,
      code: script([EST, 'chain=mgmt action=accept protocol=tcp dst-port=22', 'chain=mgmt action=drop', 'chain=input action=drop'], s),
      errors: [{ line: lineOf(1, s), message: /its 2 rules never run/ }],
    })),
    {
      name: 'the jump is in another table only',
      code: '/ip firewall mangle add chain=prerouting action=jump jump-target=a\n/ip firewall mangle add chain=a action=accept\n/ip firewall filter add chain=a action=accept\n/ip firewall filter add chain=input action=accept\n',
      errors: [{ line: 3, message: /\/ip firewall filter/ }],
    },
    {
      name: 'reported on the first enabled rule',
      code: script(['chain=a action=accept disabled=yes', 'chain=a action=drop', EST], 'export'),
      errors: [{ line: 3, message: /its rule never runs/ }],
    },
  ],
});
