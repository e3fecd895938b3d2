// LSP-level formatting: the built server over stdio formats a document (the edits applied give the
// /export layout), a range (only the lines it touches), follows routeros.format.* settings, and leaves a
// document with a syntax error alone with a message saying why.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyLspEdits, LspTestClient } from './lspClient';

const MESSY = [
  '# firewall',
  '/ip firewall filter add   chain=input action=accept connection-state=established,related comment="allow established and related"',
  '/ip firewall filter add chain=input action=drop in-interface-list=WAN',
  ':if ($x = 1) do={',
  ':log info   "one"',
  '        }',
  '',
].join('\n');

const TIDY = [
  '# firewall',
  '/ip firewall filter',
  'add chain=input action=accept connection-state=established,related comment=\\',
  '    "allow established and related"',
  'add chain=input action=drop in-interface-list=WAN',
  '/',
  ':if ($x = 1) do={',
  '    :log info "one"',
  '}',
  '',
].join('\n');

describe('language server formatting', () => {
  let c: LspTestClient;
  const messages: string[] = [];
  const uri = 'file:///work/test/format.rsc';
  const opts = { tabSize: 4, insertSpaces: true };

  before(async () => {
    c = new LspTestClient(['--stdio']);
    c.conn.onNotification('window/showMessage', (p: { message: string }) => {
      messages.push(p.message);
    });
    const init = await c.initialize();
    assert.equal(init.capabilities.documentFormattingProvider, true);
    assert.equal(init.capabilities.documentRangeFormattingProvider, true);
    await c.open(uri, MESSY, 1);
  });
  after(async () => {
    await c.close();
  });

  test('document formatting gives the /export layout, and nothing more to do the second time', async () => {
    const edits = await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
    assert.ok(edits.length > 0);
    const out = applyLspEdits(MESSY, edits);
    assert.equal(out, TIDY);
    // the comment line and the first line are untouched: edits cover only lines that change
    assert.ok(edits.every((e) => e.range.start.line >= 1));
    await c.change(uri, 2, [{ text: out }]);
    const again = await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
    assert.deepEqual(again, []);
  });

  test('range formatting touches only the lines of the range, and makes no header lines', async () => {
    await c.change(uri, 3, [{ text: MESSY }]);
    const edits = await c.request<any[]>('textDocument/rangeFormatting', {
      textDocument: { uri },
      range: { start: { line: 4, character: 0 }, end: { line: 4, character: 3 } },
      options: opts,
    });
    const out = applyLspEdits(MESSY, edits);
    const lines = MESSY.split('\n');
    lines[4] = '    :log info "one"';
    assert.equal(out, lines.join('\n'));
  });

  test('routeros.format settings: slashed paths, a wider line, no header lines', async () => {
    c.settings = { format: { pathStyle: 'slashed', width: 200, headers: false } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { routeros: c.settings } });
    const edits = await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
    const out = applyLspEdits(MESSY, edits).split('\n');
    assert.equal(out[1], '/ip/firewall/filter add chain=input action=accept connection-state=established,related comment="allow established and related"');
    assert.equal(out[2], '/ip/firewall/filter add chain=input action=drop in-interface-list=WAN');
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { routeros: {} } });
  });

  test('a document with a syntax error is left alone, and the user is told why', async () => {
    const broken = '/ip firewall filter add   chain=input\n:if ($a = 1) do={ :put "x"\n';
    await c.change(uri, 4, [{ text: broken }]);
    const edits = await c.request<any[]>('textDocument/formatting', { textDocument: { uri }, options: opts });
    assert.deepEqual(edits, []);
    await c.waitFor('a message', () => (messages.length > 0 ? true : undefined));
    assert.match(messages[0], /^RouterOS: not formatted: syntax error at line 2/);
  });
});
