// routeros/lintMarkdown over stdio: the diagnostics of a Markdown text's ```routeros blocks at the .md's lines
// (what the VS Code client shows for .md files), and a clear error for bad params.
import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { LspTestClient } from './lspClient';

let c: LspTestClient;
before(async () => {
  c = new LspTestClient(['--stdio']);
  await c.initialize();
});
after(async () => {
  await c.close();
});

test('a ```routeros block: diagnostics at the .md line and column, no fix data', async () => {
  const md = ['# Guide', '', 'Text.', '', '```routeros', '/ip firewall fliter add chain=input action=drop', '```', ''].join('\n');
  const ds = await c.request<any[]>('routeros/lintMarkdown', { uri: 'file:///work/guide.md', text: md });
  const unknown = ds.find((d) => d.code === 'unknown-command');
  assert.ok(unknown, JSON.stringify(ds));
  assert.deepEqual(unknown.range.start, { line: 5, character: 13 });
  assert.equal(unknown.data, undefined);
  assert.deepEqual(await c.request<any[]>('routeros/lintMarkdown', { uri: 'file:///work/plain.md', text: '# nothing\n' }), []);
});

test('bad params: an InvalidParams error, not a crash', async () => {
  await assert.rejects(c.request('routeros/lintMarkdown', { uri: 'file:///x.md' }), /needs \{ uri, text \}/);
});
