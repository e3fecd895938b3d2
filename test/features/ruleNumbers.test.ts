// Print numbers in the editor: inlay hints before each rule (only where the script can know them) and the
// hover on an item number (`move 0 3`, `enable numbers=5,6`, `place-before=3`).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { ruleNumberHints } from '../../server/src/features/inlayHints';
import { hover } from '../../server/src/features/hover';
import { loadSchema } from '../../server/src/schema';

const F = '/ip firewall filter';
const lines = (...l: string[]) => l.join('\n') + '\n';
const hints = (text: string) => ruleNumberHints(lint(text).model).map((h) => `${h.position.line + 1}:${h.position.character + 1} ${h.label}`);

function hoverAt(text: string, line: number, needle: string, nth = 0): string | undefined {
  const r = lint(text);
  const l = text.split('\n')[line - 1];
  let col = -1;
  for (let i = 0; i <= nth; i++) col = l.indexOf(needle, col + 1);
  assert.ok(col >= 0, `${needle} on line ${line}`);
  const h = hover(text, { parse: r.parse, model: r.model, knocks: r.knocks }, { line: line - 1, character: col }, loadSchema());
  if (!h) return undefined;
  return typeof h.contents === 'string' ? h.contents : (h.contents as { value: string }).value;
}

test('hints: after remove [find], every rule gets the number print shows after the script, across chains, disabled rules too', () => {
  const text = lines(
    `${F} remove [find]`,
    `${F} add chain=input action=accept connection-state=established,related`,
    `${F} add chain=forward action=accept disabled=yes`,
    `${F} add chain=input action=drop in-interface-list=WAN`,
    `${F} add chain=input action=accept protocol=icmp place-before=2`,
    '/ip firewall nat',
    'remove [find]',
    'add chain=srcnat action=masquerade out-interface-list=WAN',
  );
  assert.deepEqual(hints(text), ['2:1 #0', '3:1 #1', '4:1 #3', '5:1 #2', '8:1 #0']);
});

test('hints: a table the script did not empty holds the router\'s rules too: no hints', () => {
  assert.deepEqual(hints(lines(`${F} add chain=input action=accept`, `${F} add chain=input action=drop`)), []);
});

test('hints: a full /export numbers its tables; move and remove are honoured', () => {
  const text = lines('# 2024-05-01 12:00:00 by RouterOS 7.16.2', F, 'add chain=input comment=a', 'add chain=input comment=b', 'add chain=input comment=c');
  assert.deepEqual(hints(text), ['3:1 #0', '4:1 #1', '5:1 #2']);
  const moved = lines(`${F} remove [find]`, `${F} add chain=input comment=a`, `${F} add chain=input comment=b`, `${F} add chain=input comment=c`, `${F} print`, `${F} move 2 0`, `${F} remove 1`);
  assert.deepEqual(hints(moved), ['2:1 #1', '4:1 #0']);
});

test('hints stop at a rule that may not exist or may have moved', () => {
  const text = lines(`${F} remove [find]`, `${F} add chain=input comment=a`, `:if ($x) do={ ${F} add chain=input comment=b }`, `${F} add chain=input comment=c`);
  assert.deepEqual(hints(text), ['2:1 #0']);
  const moved = lines(`${F} remove [find]`, `${F} add chain=input comment=a`, `${F} add chain=input comment=b`, `:if ($x) do={ ${F} move 1 0 }`);
  assert.deepEqual(hints(moved), []);
  const conditionalClear = lines(`:if ($x) do={ ${F} remove [find] }`, `${F} add chain=input comment=a`);
  assert.deepEqual(hints(conditionalClear), []);
});

test('hover on a number names the rule, with line and comment', () => {
  const text = lines(
    `${F} remove [find]`,
    `${F} add chain=input action=accept comment="allow ssh"`,
    `${F} add chain=input action=drop comment="drop all" disabled=yes`,
    `${F} print`,
    `${F} enable numbers=1`,
    `${F} move 1 0`,
  );
  const h = hoverAt(text, 5, '1');
  assert.match(h!, /item number in `\/ip firewall filter`\*\* \(the numbers of the `print` on line 4\)/);
  assert.match(h!, /item 1: the rule of line 3 \("drop all"\): `chain=input action=drop`/);
  assert.match(hoverAt(text, 6, '0')!, /item 0: the rule of line 2 \("allow ssh"\)/);
});

test('hover on a number of a table that may hold the router\'s rules says so', () => {
  const text = lines(`${F} add chain=input action=accept`, `${F} print chain=input`, `${F} move 0 3`);
  const h = hoverAt(text, 3, '3');
  assert.match(h!, /item 3: may refer to a rule the router had before the script: the router's own rules, which the script does not show, are numbered too/);
});

test('hover on numbers past a print: no number until the next print', () => {
  const text = lines(`${F} remove [find]`, `${F} add chain=input`, `${F} print`, `${F} add chain=input action=drop disabled=yes`, `${F} enable numbers=0,1`);
  assert.match(hoverAt(text, 5, '0')!, /item 0: the rule of line 2/);
  const h = hoverAt(text, 5, '1');
  assert.match(h!, /item 1: refers to no rule: only 1 rule is numbered \(0-0\); the rules added after that print \(line 4\) have no number until the next `print`/);
});
