import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { jumpTargetMissing } from '../../server/src/rules/jump-target-missing';
import { ruleTester } from './tester';
import { lineOf, script, STYLES } from './fixtures';

const EST = 'chain=input action=accept connection-state=established,related';
const HEADER = '# 2025-01-10 10:00:00 by RouterOS 7.16.2\n';

ruleTester(jumpTargetMissing, {
  valid: [
    jumpTargetMissing.examples.good,
    { name: 'a disabled jump to a missing chain', code: script([EST, 'chain=input action=jump jump-target=nowhere disabled=yes'], 'export') },
    { name: 'a chain defined only by disabled rules', code: script([EST, 'chain=input action=jump jump-target=later', 'chain=later action=drop disabled=yes'], 'export') },
    { name: 'the target computed at run time', code: ':local t "icmp"\n/ip firewall filter add chain=input action=jump jump-target=$t\n' },
    { name: 'a chain name computed at run time', code: ':local c "icmp"\n/ip firewall filter add chain=$c action=accept protocol=icmp\n/ip firewall filter add chain=input action=jump jump-target=icmp\n' },
    { name: 'a jump inside :if', code: ':if ($x = 1) do={ /ip firewall filter add chain=input action=jump jump-target=nowhere }\n' },
    { name: 'hotspot chains the router makes', code: script(['chain=dstnat action=jump jump-target=hotspot', 'chain=dstnat action=jump jump-target=pre-hotspot'], 'export', 'ip firewall nat') },
    {
      name: 'a script that places rules among the router\'s own',
      code: '/ip firewall filter add chain=input action=jump jump-target=mgmt place-before=[find comment="defconf: drop all not coming from LAN"]\n',
    },
    { name: 'the chain lives in the same table (nat)', code: script(['chain=dstnat action=jump jump-target=pf', 'chain=pf action=dst-nat protocol=tcp dst-port=80 to-addresses=192.168.88.10'], 'export', 'ip firewall nat') },
    { name: 'IPv6 with its own chain', code: script(['chain=input action=jump jump-target=icmp6', 'chain=icmp6 action=accept protocol=icmpv6'], 'export', 'ipv6 firewall filter') },
  ],
  invalid: [
    {
      name: 'meta example: from-wan vs from_wan',
      code: jumpTargetMissing.examples.bad,
      errors: [{ line: 3, column: 1, relatedLine: 4, message: /chain "from-wan", which no rule of \/ip firewall filter defines.*did you mean "from_wan"/ }],
      safe: false,
      output: jumpTargetMissing.examples.bad.replace('jump-target=from-wan', 'jump-target=from_wan'),
    },
    ...STYLES.map((s) => ({
      name: `a jump to a chain that does not exist, in an /export (${s})`,
      code: HEADER + script([EST, 'chain=input action=jump jump-target=services', 'chain=input action=drop'], s),
      errors: [{ line: lineOf(1, s) + 1, message: /^this jump goes to chain "services", which no rule of \/ip firewall filter defines: the jump does nothing$/ }],
      output: null,
    })),
    ...STYLES.map((s) => ({
      name: `a fragment: only built-in chains, no /export header, the chain may be in another file (${s})`,
      code: script([EST, 'chain=input action=jump jump-target=services', 'chain=input action=drop'], s),
      errors: [{ line: lineOf(1, s), severity: 'info' as const, message: /^this jump goes to chain "services", which this file does not define .*unless another file adds rules to it/ }],
      output: null,
    })),
    {
      name: 'not a fragment: the file defines chains of its own, and one jump goes nowhere',
      code: script([EST, 'chain=input action=jump jump-target=services', 'chain=input action=jump jump-target=icmp', 'chain=icmp action=accept protocol=icmp'], 'export'),
      errors: [{ line: 3, message: /which no rule of \/ip firewall filter defines: the jump does nothing$/ }],
    },
    {
      name: 'the chain exists only in another table',
      code: HEADER + '/ip firewall filter add chain=forward action=jump jump-target=pf\n/ip firewall nat add chain=pf action=accept\n/ip firewall nat add chain=dstnat action=jump jump-target=pf\n',
      errors: [{ line: 2, message: /\/ip firewall filter/ }],
    },
    {
      name: 'IPv4 jump to a chain only IPv6 defines',
      code: HEADER + '/ipv6 firewall filter add chain=icmp action=accept protocol=icmpv6\n/ipv6 firewall filter add chain=input action=jump jump-target=icmp\n/ip firewall filter add chain=input action=jump jump-target=icmp\n',
      errors: [{ line: 4 }],
    },
    {
      name: 'a case slip, two jumps',
      code: script(['chain=forward action=jump jump-target=Drop-Chain src-address-list=bad', 'chain=forward action=jump jump-target=Drop-Chain dst-address-list=bad', 'chain=Drop-chain action=drop'], 'export'),
      errors: [{ line: 2, message: /did you mean "Drop-chain"/ }, { line: 3 }],
      output: script(['chain=forward action=jump jump-target=Drop-chain src-address-list=bad', 'chain=forward action=jump jump-target=Drop-Chain dst-address-list=bad', 'chain=Drop-chain action=drop'], 'export'),
    },
  ],
});

// The language server's workspace index: a chain another file of the workspace defines is not missing.
test('a chain another file of the workspace defines is not missing; one it does not define still is', () => {
  const code = HEADER + script([EST, 'chain=forward action=jump jump-target=Drop-chain', 'chain=forward action=jump jump-target=Nowhere', 'chain=forward action=drop'], 'export');
  const of = (ws?: ReadonlySet<string>) =>
    lint(code, { env: ws ? { workspaceChains: ws } : {} }).findings.filter((f) => f.rule === 'jump-target-missing').map((f) => [f.range.start.line + 1, f.severity]);
  assert.deepEqual(of(), [[4, 'error'], [5, 'error']]);
  assert.deepEqual(of(new Set(['chain ip filter Drop-chain'])), [[5, 'error']]);
  // Same name in another table or family defines nothing here.
  assert.deepEqual(of(new Set(['chain ip nat Drop-chain', 'chain ipv6 filter Drop-chain'])), [[4, 'error'], [5, 'error']]);
});
