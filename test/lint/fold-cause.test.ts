// One problem, one diagnostic: consequences of one rule (the knock it hides, the drop it makes
// unreachable) are folded into the finding ON that rule (lint.ts foldIntoCause), and the map and the
// code lens still see them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { applyEdits } from '../../server/src/edits';
import { firewallMap } from '../../server/src/features/firewallMap';
import { codeLenses } from '../../server/src/features/codeLens';

const WAN = '/interface list add name=WAN\n/interface list member add interface=ether1 list=WAN\n';
const KNOCK = [
  'add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s in-interface-list=WAN protocol=tcp dst-port=7342',
  'add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s in-interface-list=WAN protocol=tcp dst-port=4519 src-address-list=knock1',
  'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m in-interface-list=WAN protocol=tcp dst-port=9121 src-address-list=knock2',
  'add chain=input action=accept in-interface-list=WAN src-address-list=secured',
];
const ACCEPT_ALL_ABOVE =
  WAN +
  '/ip firewall filter\n' +
  'add chain=input action=accept connection-state=established,related\n' +
  'add chain=input action=accept in-interface-list=WAN comment="temporary"\n' +
  KNOCK.join('\n') +
  '\nadd chain=input action=drop in-interface-list=WAN\n';

const shown = (code: string) => lint(code).findings.filter((f) => f.severity === 'error' || f.severity === 'warning');
const line = (code: string, needle: string) => code.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('an accept-all above a knock: one diagnostic on the accept-all, the hidden knock and the unreachable drop as related', () => {
  const raw = lint(ACCEPT_ALL_ABOVE, { mergeEvidence: false }).findings.map((f) => f.rule);
  for (const id of ['knock-exposed-service', 'knock-shadowed', 'rule-unreachable']) assert.ok(raw.includes(id), `${id} is reported before folding`);
  const found = shown(ACCEPT_ALL_ABOVE);
  const onCause = found.filter((f) => f.range.start.line + 1 === line(ACCEPT_ALL_ABOVE, 'temporary'));
  assert.deepEqual(found.filter((f) => /knock-shadowed|rule-unreachable|exposed/.test(f.rule)).map((f) => f.rule), ['knock-exposed-service']);
  assert.equal(onCause.length, 1);
  const f = onCause[0];
  // the error it absorbed sets its severity
  assert.equal(f.severity, 'error');
  const folded = (f.related ?? []).filter((r) => r.folded).map((r) => `${r.folded}@${r.range.start.line + 1}`);
  assert.deepEqual(folded.sort(), [`knock-shadowed@${line(ACCEPT_ALL_ABOVE, 'dst-port=7342')}`, `knock-sim-fails@${line(ACCEPT_ALL_ABOVE, 'dst-port=7342')}`, `rule-unreachable@${line(ACCEPT_ALL_ABOVE, 'action=drop')}`].sort());
  // its fix fixes all three: nothing of them is left
  const fix = f.fixes?.[0];
  assert.ok(fix, 'the accept-all has a fix');
  const after = lint(applyEdits(ACCEPT_ALL_ABOVE, fix.edits), { mergeEvidence: false }).findings.map((x) => x.rule);
  for (const id of ['knock-exposed-service', 'knock-shadowed', 'rule-unreachable', 'knock-sim-fails']) assert.ok(!after.includes(id), `${id} gone after "${fix.title}"`);
});

test('folded findings still mark their rules on the map and in the code lens', () => {
  const result = lint(ACCEPT_ALL_ABOVE);
  const map = firewallMap(result);
  const rows = map.tables.flatMap((t) => t.chains.flatMap((c) => c.rules));
  const at = (needle: string) => rows.find((r) => r.line === line(ACCEPT_ALL_ABOVE, needle))!;
  assert.ok(at('action=drop').statuses.includes('unreachable'));
  assert.ok(at('temporary').statuses.includes('hides-another'));
  assert.ok(at('dst-port=7342').statuses.includes('knock-dead'));
  const lens = codeLenses(result, { vscode: false }).map((l) => l.command?.title ?? '');
  assert.ok(lens.some((t) => /filter input: 7 rules, 1 unreachable/.test(t)), lens.join(' | '));
});

test('a rule hidden by several rules together has no single cause: it stays a finding of its own', () => {
  const code =
    WAN +
    '/ip firewall filter\n' +
    'add chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=0-1000\n' +
    'add chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=1001-65535\n' +
    'add chain=input action=drop in-interface-list=WAN protocol=tcp dst-port=22\n' +
    'add chain=input action=drop in-interface-list=WAN protocol=tcp\n';
  const lines = (fs: ReturnType<typeof shown>, id: string) => fs.filter((f) => f.rule === id).map((f) => f.range.start.line + 1);
  const raw = lint(code, { mergeEvidence: false }).findings;
  assert.deepEqual(lines(raw, 'rule-unreachable'), [6, 7]);
  const after = shown(code);
  // the first accept alone hides the ssh drop and exposes ssh: one finding on it; the tcp drop is hidden
  // by both accepts together: a finding of its own
  assert.deepEqual(lines(after, 'rule-unreachable'), [7]);
  assert.deepEqual(lines(after, 'service-exposed'), [4, 5]); // ssh, ...; winbox, ...
  const exposed = after.find((f) => f.rule === 'service-exposed')!;
  assert.deepEqual(exposed.related?.filter((r) => r.folded).map((r) => `${r.folded}@${r.range.start.line + 1}`), ['rule-unreachable@6']);
});
