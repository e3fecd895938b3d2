import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelp } from '../../server/src/features/signatureHelp';
import { loadSchema } from '../../server/src/schema';
import { marked } from './cursor';
import { parse } from '../../server/src/parser';

const schema = loadSchema('7.22');

function help(src: string) {
  const m = marked(src);
  return signatureHelp(m.text, m.parse, m.cursor, schema);
}

function activeLabel(src: string): string | undefined {
  const h = help(src);
  if (!h || h.activeParameter === undefined || h.activeParameter === null) return undefined;
  const sig = h.signatures[0];
  const [a, b] = sig.parameters![h.activeParameter].label as [number, number];
  return sig.label.slice(a, b);
}

test('signature help: a firewall rule lists its arguments, chain and action first, with their types', () => {
  const h = help('/ip firewall filter add chain=input <|>')!;
  assert.ok(h);
  const label = h.signatures[0].label;
  assert.match(label, /^add chain=\S* action=<accept\|[^>]*> protocol=/);
  assert.match(label, / address-list-timeout=<0s\.\.35w3d13h13m56s> /);
  assert.match(h.signatures[0].documentation as string, /^\/ip firewall filter add: \d+ arguments$/);
});

test('signature help: the argument under the cursor is highlighted, also while its name is typed', () => {
  assert.match(activeLabel('/ip firewall filter add chain=input dst-po<|>')!, /^dst-port=/);
  assert.match(activeLabel('/ip firewall filter add chain=in<|>put')!, /^chain=/);
  assert.match(activeLabel('/ip firewall filter\nadd action=accept src-address-list=<|>')!, /^src-address-list=/);
});

test('signature help: none on the command word, for global commands and unknown menus', () => {
  assert.equal(help('/ip firewall filter ad<|>d chain=input'), null);
  assert.equal(help(':put <|>"x"'), null);
  assert.equal(help('/nonexistent menu add a=<|>1'), null);
});

test('signature help: the cursor inside an existing name picks that name, not the first with its prefix', () => {
  const text = '/ip firewall filter add chain=input action=add-src-to-address-list address-list=k address-list-timeout=30s\n';
  const at = text.indexOf('address-list-timeout=') + 3;
  const h = signatureHelp(text, parse(text), { line: 0, character: at }, schema)!;
  const sig = h.signatures[0];
  const p = sig.parameters![h.activeParameter!].label as [number, number];
  assert.equal(sig.label.slice(p[0], p[1]).replace(/=.*$/, '='), 'address-list-timeout=');
});
