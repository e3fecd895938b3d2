// LSP-level tests: the BUILT server (dist/server.js, what the .vsix and `routeros-language-server --stdio`
// run) as a child process, spoken to over stdio with vscode-jsonrpc, the way an editor does.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter } from 'vscode-jsonrpc/node';
import { applyLspEdits, binPath, ensureBuilt, LspTestClient, serverPath, type Diagnostic } from './lspClient';

const URI = 'file:///work/test/firewall.rsc';

// Line 3 (0-based 2) has an unclosed parenthesis.
const BROKEN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp\n:put (1 + 2\n';
const CLEAN = '/ip firewall filter\nadd chain=input action=accept protocol=icmp\n:put (1 + 2)\n';

const rulesAt = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

describe('language server over stdio', () => {
  let c: LspTestClient;
  before(async () => {
    c = new LspTestClient(['--stdio']);
  });
  after(async () => {
    await c.close();
  });

  test('initialize advertises incremental sync and the features it serves', async () => {
    const r = await c.initialize();
    const caps = r.capabilities;
    assert.equal(r.serverInfo.name, 'routeros-language-server');
    assert.equal(caps.textDocumentSync.change, 2, 'incremental sync');
    assert.deepEqual(caps.codeActionProvider.codeActionKinds, ['quickfix', 'refactor.move', 'source.fixAll.routeros']);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
  });

  test('didOpen of a broken file publishes a parse-error with code, source, version and data', async () => {
    await c.open(URI, BROKEN, 1);
    const ds = await c.diagnosticsFor(URI, 1);
    assert.deepEqual(rulesAt(ds), ['parse-error@3']);
    const d = ds[0];
    assert.equal(d.source, 'routeros');
    assert.equal(d.severity, 1, 'error');
    assert.ok(d.message.length > 0);
    assert.deepEqual(d.data, { rule: 'parse-error', index: 0, version: 1, fixable: false });
    // The bundled docs/rules/parse-error.md is linked as a file: URI (works offline).
    assert.match(d.codeDescription?.href ?? '', /^file:\/\/.*\/docs\/rules\/parse-error\.md$/);
  });

  test('an incremental didChange that repairs the line clears the diagnostics', async () => {
    // Insert the missing ")" at the end of line 3.
    await c.change(URI, 2, [{ range: { start: { line: 2, character: 11 }, end: { line: 2, character: 11 } }, text: ')' }]);
    const ds = await c.diagnosticsFor(URI, 2);
    assert.deepEqual(ds, []);
  });

  test('rapid edits are debounced: only the last version is linted and published', async () => {
    const before = c.published.length;
    // v3 breaks the file, v4 breaks it differently, v5 repairs: only v5 may be published.
    await c.change(URI, 3, [{ text: BROKEN }]);
    await c.change(URI, 4, [{ text: BROKEN + ':put (2 + 3\n' }]);
    await c.change(URI, 5, [{ text: CLEAN }]);
    const ds = await c.diagnosticsFor(URI, 5);
    assert.deepEqual(ds, []);
    const versions = c.published.slice(before).filter((p) => p.uri === URI).map((p) => p.version);
    assert.deepEqual(versions, [5]);
  });

  test('severity settings from workspace/configuration apply after didChangeConfiguration', async () => {
    c.settings = { rules: { 'parse-error': 'warning' } };
    await c.change(URI, 6, [{ text: BROKEN }]);
    let ds = await c.diagnosticsFor(URI, 6);
    assert.deepEqual(rulesAt(ds), ['parse-error@3']);
    assert.equal(ds[0].severity, 1, 'cached settings until the client says they changed');

    const published = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { routeros: c.settings } });
    await c.waitFor('relint after configuration change', () => (c.published.length > published ? true : undefined));
    ds = await c.diagnosticsFor(URI, 6);
    assert.equal(ds[0].severity, 2, 'warning');

    c.settings = { rules: { 'parse-error': 'off' } };
    const again = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor('relint after switching the rule off', () =>
      c.published.slice(again).some((p) => p.uri === URI && p.diagnostics.length === 0) ? true : undefined,
    );
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
  });

  test('malformed settings are ignored, not fatal', async () => {
    c.settings = { rules: { 'parse-error': 'loud', 5: 3 }, thresholds: { stageTimeoutMin: 'x' }, schemaVersion: 42 };
    const n = c.published.length;
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await c.waitFor('relint', () => (c.published.slice(n).some((p) => p.uri === URI) ? true : undefined));
    const ds = await c.diagnosticsFor(URI, 6);
    assert.deepEqual(rulesAt(ds), ['parse-error@3']);
    assert.equal(ds[0].severity, 1);
    c.settings = {};
  });

  test('code actions for a parse error offer its documentation, applied through the client command', async () => {
    const ds = await c.diagnosticsFor(URI, 6);
    const actions = await c.request<any[]>('textDocument/codeAction', {
      textDocument: { uri: URI },
      range: ds[0].range,
      context: { diagnostics: ds, only: ['quickfix'] },
    });
    const doc = actions.find((a) => a.title === 'Show documentation for parse-error');
    assert.ok(doc, JSON.stringify(actions.map((a) => a.title)));
    assert.deepEqual(doc.command.arguments, ['parse-error']);
    assert.equal(doc.command.command, 'routeros.showRuleDoc');
    // A syntax error cannot be suppressed by a comment.
    assert.ok(!actions.some((a) => /^Disable parse-error/.test(a.title)));
  });

  test('requests on a document the server does not know answer empty, never fail', async () => {
    const unknown = { textDocument: { uri: 'file:///nowhere.rsc' } };
    const pos = { line: 0, character: 0 };
    assert.deepEqual(
      await c.request('textDocument/codeAction', { ...unknown, range: { start: pos, end: pos }, context: { diagnostics: [] } }),
      [],
    );
    assert.deepEqual(await c.request('textDocument/definition', { ...unknown, position: pos }), []);
    assert.deepEqual(await c.request('textDocument/references', { ...unknown, position: pos, context: { includeDeclaration: true } }), []);
  });

  test('go to definition, references and rename of an address list', async () => {
    const text =
      '/ip firewall address-list\nadd address=10.0.0.1 list=admins\n/ip firewall filter\nadd chain=input src-address-list=admins action=accept\n';
    const uri = 'file:///work/test/names.rsc';
    await c.open(uri, text, 1);
    await c.diagnosticsFor(uri, 1);
    const use = { line: 3, character: 'add chain=input src-address-list='.length + 2 };
    const defs = await c.request<any[]>('textDocument/definition', { textDocument: { uri }, position: use });
    assert.deepEqual(
      defs.map((d) => [d.range.start.line, d.range.start.character, d.range.end.character]),
      [[1, 'add address=10.0.0.1 list='.length, 'add address=10.0.0.1 list=admins'.length]],
    );
    const refs = await c.request<any[]>('textDocument/references', {
      textDocument: { uri },
      position: use,
      context: { includeDeclaration: true },
    });
    assert.deepEqual(refs.map((r) => r.range.start.line).sort(), [1, 3]);
    const prep = await c.request<any>('textDocument/prepareRename', { textDocument: { uri }, position: use });
    assert.equal(prep.placeholder, 'admins');
    const edit = await c.request<any>('textDocument/rename', { textDocument: { uri }, position: use, newName: 'ops' });
    assert.equal(
      applyLspEdits(text, edit.changes[uri]),
      '/ip firewall address-list\nadd address=10.0.0.1 list=ops\n/ip firewall filter\nadd chain=input src-address-list=ops action=accept\n',
    );
    // A builtin chain cannot be renamed: a clear error, not a crash.
    await assert.rejects(
      c.request('textDocument/prepareRename', { textDocument: { uri }, position: { line: 3, character: 'add chain='.length + 1 } }),
      /built into RouterOS/,
    );
  });

  test('the knock setup request inserts a setup that lints clean', async () => {
    const uri = 'file:///work/test/knock.rsc';
    const text = '/ip firewall filter\nadd chain=input action=accept connection-state=established,related\nadd chain=input action=drop in-interface-list=WAN comment="drop all from WAN"\n';
    await c.open(uri, text, 1);
    await c.diagnosticsFor(uri, 1);
    const res = await c.request<any>('routeros/knockSetup', {
      uri,
      options: { stages: 3, protocol: 'tcp', stageTimeout: '30s', finalTimeout: '30m' },
    });
    assert.equal(res.version, 1);
    assert.equal(res.ports.length, 3);
    const after = applyLspEdits(text, res.edits);
    // Above the WAN drop.
    assert.ok(after.indexOf('knock stage 1/3') < after.indexOf('drop all from WAN'), after);
    await c.change(uri, 2, [{ text: after }]);
    const ds = await c.diagnosticsFor(uri, 2);
    assert.deepEqual(rulesAt(ds), [], after);
    await assert.rejects(
      c.request('routeros/knockSetup', { uri, options: { stages: 0, protocol: 'tcp', stageTimeout: '30s', finalTimeout: '30m' } }),
    );
    await assert.rejects(c.request('routeros/knockSetup', { uri: 'file:///closed.rsc', options: {} }), /not open/);
  });

  test('didClose clears the file\'s diagnostics', async () => {
    const n = c.published.length;
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: URI } });
    await c.waitFor('empty diagnostics after close', () =>
      c.published.slice(n).some((p) => p.uri === URI && p.diagnostics.length === 0) ? true : undefined,
    );
  });

  test('the server survives garbage text and answers afterwards', async () => {
    const uri = 'file:///work/test/garbage.rsc';
    const junk = '\u0000\uffff{{{[[[((("\\\n'.repeat(50) + '/'.repeat(1000);
    await c.open(uri, junk, 1);
    const ds = await c.diagnosticsFor(uri, 1);
    assert.ok(ds.length > 0);
    assert.ok(ds.every((d) => d.code === 'parse-error'), JSON.stringify(ds.slice(0, 3)));
    assert.equal(c.proc.exitCode, null, 'still running');
  });
});

describe('language server transports', () => {
  test('--stdio via bin/routeros-language-server.js answers initialize and shuts down cleanly', async () => {
    const c = new LspTestClient(['--stdio'], binPath);
    try {
      const r = await c.initialize();
      assert.equal(r.serverInfo.name, 'routeros-language-server');
    } finally {
      await c.close();
    }
    assert.equal(c.proc.exitCode, 0);
  });

  test('--node-ipc (what the VS Code client uses) publishes diagnostics too', async () => {
    ensureBuilt();
    const child = fork(serverPath, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const conn = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    try {
      const got = new Promise<{ uri: string; diagnostics: Diagnostic[] }>((resolve) =>
        conn.onNotification('textDocument/publishDiagnostics', resolve),
      );
      conn.listen();
      await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} });
      await conn.sendNotification('initialized', {});
      await conn.sendNotification('textDocument/didOpen', {
        textDocument: { uri: 'file:///ipc.rsc', languageId: 'routeros', version: 1, text: BROKEN },
      });
      const p = await Promise.race([got, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no diagnostics over IPC')), 5000))]);
      assert.deepEqual(rulesAt(p.diagnostics), ['parse-error@3']);
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } finally {
      conn.dispose();
      child.kill();
    }
  });
});
