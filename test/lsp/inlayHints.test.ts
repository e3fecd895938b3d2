// textDocument/inlayHint over stdio: the print number before each rule of an emptied table, none where the
// router's own rules are numbered too, none with routeros.inlayHints.ruleNumbers off; hover on a number.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspTestClient } from './lspClient';

const TEXT = [
  '/ip firewall filter remove [find]',
  '/ip firewall filter add chain=input action=accept connection-state=established,related',
  '/ip firewall filter add chain=input action=drop in-interface-list=WAN comment="drop WAN"',
  '/ip firewall filter print',
  '/ip firewall filter move 1 0',
  '/ip firewall nat add chain=srcnat action=masquerade',
  '',
].join('\n');

let c: LspTestClient;
const uri = 'file:///work/test/numbers.rsc';
before(async () => {
  c = new LspTestClient(['--stdio']);
  const init = await c.initialize();
  assert.equal(init.capabilities.inlayHintProvider, true);
  await c.open(uri, TEXT, 1);
});
after(async () => {
  await c.close();
});

const hints = async () =>
  ((await c.request<any[]>('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 7, character: 0 } } })) ?? []).map(
    (h) => `${h.position.line}:${h.position.character} ${h.label}`,
  );

test('inlay hints: numbers after the move, none for the nat table the script did not empty', async () => {
  assert.deepEqual(await hints(), ['1:0 #1', '2:0 #0']);
});

test('hover on a number names the rule', async () => {
  const h = await c.request<any>('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: '/ip firewall filter move '.length } });
  assert.match(h.contents.value, /item 1: the rule of line 3 \("drop WAN"\)/);
  assert.deepEqual(h.range, { start: { line: 4, character: 25 }, end: { line: 4, character: 26 } });
});

test('routeros.inlayHints.ruleNumbers=false turns them off', async () => {
  c.settings = { inlayHints: { ruleNumbers: false } };
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { routeros: c.settings } });
  let last: string[] = [];
  for (let i = 0; i < 50; i++) {
    last = await hints();
    if (last.length === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.deepEqual(last, []);
  c.settings = {};
  await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { routeros: {} } });
});
