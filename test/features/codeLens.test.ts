import { test } from 'node:test';
import assert from 'node:assert/strict';
import { codeLenses } from '../../server/src/features/codeLens';
import { lint } from '../../server/src/lint';

const KNOCK = `/ip firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=add-src-to-address-list address-list=k1 address-list-timeout=30s protocol=tcp dst-port=7342 in-interface-list=WAN
add chain=input action=add-src-to-address-list address-list=k2 address-list-timeout=30s protocol=tcp dst-port=4519 src-address-list=k1 in-interface-list=WAN
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=tcp dst-port=9121 src-address-list=k2 in-interface-list=WAN
add chain=input action=accept protocol=tcp dst-port=22 src-address-list=secured in-interface-list=WAN
add chain=input action=drop in-interface-list=WAN
add chain=forward action=accept connection-state=established,related
`;

const lines = (code: string, vscode: boolean) =>
  codeLenses(lint(code), { vscode }).map((l) => `${l.range.start.line + 1}: ${l.command!.title}${l.command!.command ? ` [${l.command!.command} ${JSON.stringify(l.command!.arguments)}]` : ''}`);

test('code lens: a knock gets Simulate | Knock | its summary; each chain its rule count', () => {
  assert.deepEqual(lines(KNOCK, true), [
    '2: filter input: 6 rules',
    '3: Simulate [routeros.simulateKnock [{"sequence":1}]]',
    '3: Knock [routeros.knock [{"sequence":1}]]',
    '3: Port knocking: 3 stages, 30 s per step',
    '8: filter forward: 1 rule',
  ]);
});

test('code lens: other editors get the labels only (they have no knock commands)', () => {
  assert.ok(lines(KNOCK, false).every((l) => !l.includes('[routeros.')));
  assert.ok(lines(KNOCK, false).includes('3: Port knocking: 3 stages, 30 s per step'));
});

test('code lens: unreachable rules are counted from the rule-unreachable findings', () => {
  const r = lint(KNOCK);
  const target = r.model.tables.get('ip filter')!.rules[5];
  r.findings.push({ rule: 'rule-unreachable', severity: 'warning', message: 'x', range: target.source.range });
  const got = codeLenses(r, { vscode: false }).map((l) => l.command!.title);
  assert.ok(got.includes('filter input: 6 rules, 1 unreachable'), got.join('\n'));
});
