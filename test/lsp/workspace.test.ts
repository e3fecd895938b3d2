// The language server over stdio in a workspace folder: globals declared by another .rsc file of the workspace
// count as declared, workspace symbols and go to definition reach the other files, signature help and code lenses.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LspTestClient } from './lspClient';

describe('language server in a workspace', () => {
  let c: LspTestClient;
  let dir: string;
  let useUri: string;
  let listsUri: string;
  const USE = ':put $wanIp\n/ip firewall filter\nadd chain=input action=accept src-address-list=admins \n';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeros-ws-'));
    writeFileSync(join(dir, 'init.rsc'), ':global wanIp "198.51.100.1"\n');
    writeFileSync(join(dir, 'lists.rsc'), '/ip firewall address-list\nadd list=admins address=192.0.2.1\n');
    writeFileSync(join(dir, 'use.rsc'), USE);
    useUri = pathToFileURL(join(dir, 'use.rsc')).toString();
    listsUri = pathToFileURL(join(dir, 'lists.rsc')).toString();
    c = new LspTestClient(['--stdio']);
    await c.initialize({}, pathToFileURL(dir).toString());
    // The workspace scan runs in the background: wait until it knows the other file's list.
    for (let i = 0; i < 50; i++) {
      const syms = await c.request<any[]>('workspace/symbol', { query: 'admins' });
      if (syms.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await c.open(useUri, USE, 1);
  });
  after(async () => {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a global declared in another file of the workspace is declared', async () => {
    const ds = await c.diagnosticsFor(useUri, 1, 20_000);
    assert.deepEqual(ds.filter((d) => d.code === 'undefined-variable'), []);
  });

  test('workspace symbols and go to definition across files', async () => {
    const syms = await c.request<any[]>('workspace/symbol', { query: 'admins' });
    assert.deepEqual(syms.map((s) => [s.name, s.location.uri]), [['admins', listsUri]]);
    const defs = await c.request<any[]>('textDocument/definition', { textDocument: { uri: useUri }, position: { line: 2, character: 52 } });
    assert.deepEqual(defs.map((d) => [d.uri, d.range.start.line]), [[listsUri, 1]]);
  });

  test('semantic tokens mark the address list the grammar sees as a plain word', async () => {
    const t = await c.request<{ data: number[] }>('textDocument/semanticTokens/full', { textDocument: { uri: useUri } });
    // (deltaLine, deltaChar, length, type, modifiers) decoded to line:char:length:type.
    const d = t.data;
    let line = 0;
    let ch = 0;
    const got: string[] = [];
    for (let i = 0; i < d.length; i += 5) {
      line += d[i];
      ch = d[i] === 0 ? ch + d[i + 1] : d[i + 1];
      got.push(`${line}:${ch}:${d[i + 2]}:${d[i + 3]}`);
    }
    assert.deepEqual(got, ['0:6:5:4', '2:10:5:1', '2:47:6:0']); // $wanIp (variable), input (builtin chain), admins (address list)
  });

  test('signature help after a command and code lenses on the chain', async () => {
    const h = await c.request<any>('textDocument/signatureHelp', { textDocument: { uri: useUri }, position: { line: 2, character: 57 } });
    assert.match(h.signatures[0].label, /^add chain=/);
    const lenses = await c.request<any[]>('textDocument/codeLens', { textDocument: { uri: useUri } });
    assert.deepEqual(lenses.map((l) => l.command.title), ['filter input: 1 rule']);
  });
});
