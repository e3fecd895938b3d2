// LSP-level feature tests: the built server over stdio answers what an editor asks on a knock setup:
// quick fix + applied edit, source.fixAll, rule moves, completion, hover, outline, folding.
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { applyLspEdits, LspTestClient, repoRoot, type Diagnostic } from './lspClient';

const KNOCK = [
  '/interface list', //                                                                             0
  'add name=WAN', //                                                                                1
  '/ip firewall filter', //                                                                         2
  'add action=accept chain=input connection-state=established,related comment="accept established"', // 3
  // Stage 1 without a timeout (knock-timeout-missing, fix: address-list-timeout=30s).
  'add action=add-src-to-address-list address-list=knock1 chain=input dst-port=7342 in-interface-list=WAN protocol=tcp comment="knock stage 1"', // 4
  'add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock stage 2"', // 5
  'add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock stage 3"', // 6
  'add action=accept chain=input in-interface-list=WAN src-address-list=secured comment="accept knocked"', // 7
  'add action=drop chain=input in-interface-list=WAN comment="drop all from WAN"', // 8
  '',
].join('\n');

const rulesAt = (ds: Diagnostic[]) => ds.map((d) => `${d.code}@${d.range.start.line + 1}`).sort();

describe('language server features on a knock setup', () => {
  let c: LspTestClient;
  const uri = 'file:///work/test/knock.rsc';
  let version = 1;
  let text = KNOCK;

  before(async () => {
    c = new LspTestClient(['--stdio']);
    await c.initialize();
    await c.open(uri, text, version);
  });
  after(async () => {
    await c.close();
  });

  async function setText(next: string): Promise<Diagnostic[]> {
    version++;
    text = next;
    await c.change(uri, version, [{ text }]);
    return c.diagnosticsFor(uri, version, 20_000);
  }

  test('the forgotten stage timeout is reported on its rule, with a doc link only when the doc exists', async () => {
    const ds = await c.diagnosticsFor(uri, 1);
    assert.deepEqual(rulesAt(ds), ['knock-timeout-missing@5']);
    assert.equal(ds[0].severity, 2);
    assert.equal(ds[0].range.start.character, 0);
    assert.deepEqual(ds[0].data, { rule: 'knock-timeout-missing', index: 0, version: 1, fixable: true });
    const doc = join(repoRoot, 'docs', 'rules', 'knock-timeout-missing.md');
    if (existsSync(doc)) assert.match(ds[0].codeDescription?.href ?? '', /\/docs\/rules\/knock-timeout-missing\.md$/);
    else assert.equal(ds[0].codeDescription, undefined);
  });

  test('quick fix: the preferred action carries the edit; applied, the diagnostic goes', async () => {
    const ds = await c.diagnosticsFor(uri, 1);
    const actions = await c.request<any[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: ds[0].range,
      context: { diagnostics: ds, only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.isPreferred);
    assert.ok(fix, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.title, 'Set address-list-timeout=30s');
    assert.equal(fix.diagnostics[0].code, 'knock-timeout-missing');
    const fixed = applyLspEdits(text, fix.edit.changes[uri]);
    assert.match(fixed.split('\n')[4], /address-list=knock1 .*address-list-timeout=30s/);
    assert.deepEqual(await setText(fixed), []);
    await setText(KNOCK);
  });

  test('"Disable <id> for this command" adds a suppression comment that silences only that finding', async () => {
    const ds = await c.diagnosticsFor(uri, version);
    const actions = await c.request<any[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: ds[0].range,
      context: { diagnostics: ds },
    });
    const disable = actions.find((a) => a.title === 'Disable knock-timeout-missing for this command');
    assert.ok(disable, JSON.stringify(actions.map((a) => a.title)));
    const after = applyLspEdits(text, disable.edit.changes[uri]);
    assert.match(after, /# rsc-lint disable=knock-timeout-missing/);
    assert.deepEqual(await setText(after), []);
    await setText(KNOCK);
  });

  test('source.fixAll.routeros is offered only when asked for, and fixes the file', async () => {
    const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const plain = await c.request<any[]>('textDocument/codeAction', { textDocument: { uri }, range, context: { diagnostics: [] } });
    assert.ok(!plain.some((a) => a.kind === 'source.fixAll.routeros'));
    const asked = await c.request<any[]>('textDocument/codeAction', {
      textDocument: { uri },
      range,
      context: { diagnostics: [], only: ['source.fixAll'] },
    });
    const all = asked.find((a) => a.kind === 'source.fixAll.routeros');
    assert.ok(all, JSON.stringify(asked));
    assert.deepEqual(await setText(applyLspEdits(text, all.edit.changes[uri])), []);
    await setText(KNOCK);
  });

  test('rule moves: "Move rule up" on the final accept swaps it with stage 3, text unchanged', async () => {
    const pos = { line: 7, character: 4 };
    const actions = await c.request<any[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: pos, end: pos },
      context: { diagnostics: [], only: ['refactor.move'] },
    });
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Move rule up') && titles.includes('Move rule down') && titles.includes('Move to top of chain'), JSON.stringify(titles));
    const up = actions.find((a) => a.title === 'Move rule up');
    const lines = KNOCK.split('\n');
    const expected = [...lines.slice(0, 6), lines[7], lines[6], ...lines.slice(8)].join('\n');
    assert.equal(applyLspEdits(text, up.edit.changes[uri]), expected);
  });

  test('completion: property names of the firewall filter, values of action=', async () => {
    await setText(KNOCK + 'add chain=input act');
    const items = await c.request<any>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 9, character: 'add chain=input act'.length },
    });
    const labels = (Array.isArray(items) ? items : items.items).map((i: any) => i.label);
    assert.ok(labels.includes('action') || labels.includes('action='), JSON.stringify(labels.slice(0, 20)));

    await setText(KNOCK + 'add chain=input action=');
    const values = await c.request<any>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 9, character: 'add chain=input action='.length },
    });
    const vlabels = (Array.isArray(values) ? values : values.items).map((i: any) => i.label);
    for (const v of ['accept', 'drop', 'add-src-to-address-list', 'jump']) assert.ok(vlabels.includes(v), `${v} in ${JSON.stringify(vlabels)}`);
    await setText(KNOCK);
  });

  test('completion works on a large file (2,000 rules; its speed is measured in bench/lsp.ts)', async () => {
    // 2,000 filter rules (the size of a big export's firewall), then a property being typed.
    const rules = Array.from(
      { length: 2000 },
      (_, i) => `add chain=forward action=accept src-address=10.${i >> 8}.${i & 255}.1 protocol=tcp dst-port=${1000 + i} comment="rule ${i}"`,
    );
    const big = ['/ip firewall filter', ...rules, 'add chain=input act'].join('\n');
    await setText(big);
    const line = rules.length + 1;
    const items = await c.request<any>('textDocument/completion', { textDocument: { uri }, position: { line, character: 19 } });
    const labels = (Array.isArray(items) ? items : items.items).map((i: any) => i.label);
    assert.ok(labels.includes('action='), `action= in ${JSON.stringify(labels.slice(0, 20))}`);
    await setText(KNOCK);
  });

  test('hover: a property shows its description; a knock stage shows the whole sequence', async () => {
    const prop = await c.request<any>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 8, character: 'add action=drop chain=input in-interface'.length - 3 },
    });
    assert.ok(prop, 'hover on in-interface-list');
    const propText = typeof prop.contents === 'string' ? prop.contents : prop.contents.value;
    assert.match(propText, /in-interface-list/);

    const stage = await c.request<any>('textDocument/hover', {
      textDocument: { uri },
      position: { line: 5, character: 'add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port='.length + 1 },
    });
    assert.ok(stage, 'hover on a stage port');
    const stageText = typeof stage.contents === 'string' ? stage.contents : stage.contents.value;
    assert.match(stageText, /7342/);
    assert.match(stageText, /4519/);
    assert.match(stageText, /9121/);
  });

  test('document symbols and folding ranges', async () => {
    const symbols = await c.request<any[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(symbols.length > 0);
    const names = JSON.stringify(symbols);
    assert.match(names, /ip firewall filter/);
    const folds = await c.request<any[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.ok(folds.some((f) => f.startLine === 2 && f.endLine >= 8), JSON.stringify(folds));
  });
});
