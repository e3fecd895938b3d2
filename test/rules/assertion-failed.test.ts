// assertion-failed: real scripts and assertions (as .rsc-lint.json states them) in, exact findings out:
// the rule that decides the counterexample, the assertion's entry in the config as related information.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { parseConfig } from '../../server/src/lintConfig';
import { assertionFailed } from '../../server/src/rules/assertion-failed';
import { toDiagnostic } from '../../server/src/features/diagnostics';
import type { Finding } from '../../server/src/rules/types';

const CONFIG = `{
  "assertions": [
    {
      "name": "WAN management closed",
      "packets": "chain=input in-interface-list=WAN protocol=tcp dst-port=22,8291,8728 src-address-list=!secured connection-state=new",
      "expect": "never-accepted"
    },
    {
      "name": "LAN gets DNS",
      "packets": ["chain=input in-interface-list=LAN protocol=udp dst-port=53", "chain=input in-interface-list=LAN protocol=tcp dst-port=53"],
      "expect": "all-accepted"
    }
  ]
}
`;
const assertions = parseConfig(CONFIG, '/project/.rsc-lint.json').assertions!;

const HEAD = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add interface=ether1 list=WAN
/interface list member add interface=bridge list=LAN
/ip firewall filter
add chain=input action=accept connection-state=established,related
`;

function findings(code: string): Finding[] {
  return lint(code, { env: { assertions } }).findings.filter((f) => f.rule === 'assertion-failed');
}

test('holding assertions: no finding', () => {
  const code = HEAD + 'add chain=input action=accept in-interface-list=WAN src-address-list=secured\nadd chain=input action=drop in-interface-list=WAN\n';
  assert.deepEqual(findings(code), []);
  // no assertions, no finding (and nothing runs)
  assert.deepEqual(lint(code).findings.filter((f) => f.rule === 'assertion-failed'), []);
});

test('a failed assertion sits on the accept that lets the packet in, the config entry related', () => {
  const code = HEAD + 'add chain=input action=accept protocol=tcp dst-port=8291 comment=winbox\nadd chain=input action=drop in-interface-list=WAN\n';
  const fs = findings(code);
  assert.equal(fs.length, 1);
  const f = fs[0];
  assert.deepEqual([f.range.start.line + 1, f.range.start.column + 1, f.severity], [7, 1, 'error']);
  assert.equal(f.message, 'assertion "WAN management closed" fails: tcp 203.0.113.1:8291 from 198.51.100.7 in ether1 is accepted by `accept` rule "winbox" (line 7)');
  assert.equal(f.related!.length, 1);
  const rel = f.related![0];
  assert.equal(rel.file, '/project/.rsc-lint.json');
  assert.equal(rel.message, 'the assertion "WAN management closed"');
  assert.deepEqual([rel.range.start.line + 1, rel.range.start.column + 1], [3, 5]);
  // in the editor the related location opens the config file
  const d = toDiagnostic(f, 0, { uri: 'file:///project/router.rsc', version: 1 });
  assert.equal(d.code, 'assertion-failed');
  assert.equal(d.relatedInformation![0].location.uri, 'file:///project/.rsc-lint.json');
  assert.deepEqual(d.relatedInformation![0].location.range.start, { line: 2, character: 4 });
});

test('all-accepted: on the drop that stops a required packet; two assertions, two findings', () => {
  const code = HEAD + 'add chain=input action=accept protocol=tcp dst-port=8291\nadd chain=input action=drop protocol=tcp dst-port=53\nadd chain=input action=drop in-interface-list=WAN\n';
  const fs = findings(code);
  assert.deepEqual(fs.map((f) => [f.range.start.line + 1, f.message.slice(0, 40)]), [
    [7, 'assertion "WAN management closed" fails:'],
    [8, 'assertion "LAN gets DNS" fails: tcp 203.'],
  ]);
});

test('other accepting rules are related information (one finding per assertion)', () => {
  const code = HEAD + 'add chain=input action=accept protocol=tcp dst-port=22\nadd chain=input action=accept protocol=tcp dst-port=8291\nadd chain=input action=drop in-interface-list=WAN\n';
  const fs = findings(code);
  assert.equal(fs.length, 1);
  assert.equal(fs[0].range.start.line + 1, 7);
  assert.deepEqual(fs[0].related!.map((r) => [r.file ?? 'here', r.range.start.line + 1]), [['/project/.rsc-lint.json', 3], ['here', 8]]);
  assert.equal(fs[0].related![1].message, 'also accepts packets the assertion forbids');
});

test('a failure that rests on an unknown condition is a "may" warning; cannot-prove without a packet is silent', () => {
  const limit = HEAD + 'add chain=input action=accept protocol=tcp dst-port=22 limit=5,5:packet\nadd chain=input action=drop in-interface-list=WAN\n';
  const fs = findings(limit);
  assert.equal(fs.length, 1);
  assert.equal(fs[0].severity, 'warning');
  assert.match(fs[0].message, /^assertion "WAN management closed" may fail: /);
  const ifDrop = HEAD.replace('/ip firewall filter\nadd chain=input action=accept connection-state=established,related\n', '') + ':if ($x = 1) do={ /ip firewall filter add chain=input action=drop in-interface-list=WAN }\n';
  assert.deepEqual(findings(ifDrop).map((f) => f.message.slice(0, 30)), []);
});

test('the check\'s examples: the bad one fails the documented assertion on the winbox accept', () => {
  const fs = lint(assertionFailed.examples.bad, { env: assertionFailed.examples.env }).findings.filter((f) => f.rule === 'assertion-failed');
  assert.deepEqual(fs.map((f) => f.range.start.line + 1), [5]);
});

test('suppression comments and severity settings apply as for every rule', () => {
  const code = HEAD + '# rsc-lint disable=assertion-failed\nadd chain=input action=accept protocol=tcp dst-port=8291\nadd chain=input action=drop in-interface-list=WAN\n';
  assert.deepEqual(findings(code), []);
  const on = HEAD + 'add chain=input action=accept protocol=tcp dst-port=8291\nadd chain=input action=drop in-interface-list=WAN\n';
  assert.deepEqual(lint(on, { env: { assertions }, severities: { 'assertion-failed': 'off' } }).findings.filter((f) => f.rule === 'assertion-failed'), []);
});
