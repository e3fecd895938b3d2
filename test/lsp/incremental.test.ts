// The language server's incremental parse and lint (issue 15): after every edit the diagnostics of the
// edited document are exactly those a fresh open of the same text gets. Edits of every kind: blanks
// (check results reused), characters inside commands, new lines, a string opened and closed again, a
// menu header typed above relative commands, a command deleted.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LspTestClient, repoRoot } from './lspClient';

const BASE =
  readFileSync(join(repoRoot, 'examples', 'knock-broken.rsc'), 'utf8') +
  '\n/ip firewall filter\nadd chain=input action=accept\nadd chain=input action=drop protocol=tcp dst-port=2022\n:local unused 1\n' +
  '/ip address\nadd address=10.0.0.1/24 interface=ether2\n';

interface Pos {
  line: number;
  character: number;
}

/** Applies one LSP content change to a text (line/character positions, UTF-16). */
function applyChange(text: string, start: Pos, end: Pos, insert: string): string {
  const offset = (p: Pos) => {
    let o = 0;
    for (let l = 0; l < p.line; l++) o = text.indexOf('\n', o) + 1;
    return o + p.character;
  };
  return text.slice(0, offset(start)) + insert + text.slice(offset(end));
}

function lineOf(text: string, needle: string): Pos {
  const i = text.indexOf(needle);
  assert.ok(i >= 0, needle);
  const before = text.slice(0, i);
  const line = before.split('\n').length - 1;
  return { line, character: i - (before.lastIndexOf('\n') + 1) };
}

describe('incremental lint in the language server', () => {
  let c: LspTestClient;
  before(async () => {
    c = new LspTestClient(['--stdio']);
    await c.initialize();
  });
  after(async () => {
    await c.close();
  });

  test('after each edit the diagnostics equal those of a fresh open of the same text', async () => {
    const uri = 'file:///incr/edited.rsc';
    let text = BASE;
    let version = 1;
    await c.open(uri, text, version);
    await c.diagnosticsFor(uri, version, 30_000);
    const at = (needle: string, dx = 0): Pos => {
      const p = lineOf(text, needle);
      return { line: p.line, character: p.character + dx };
    };
    const edits: Array<() => [Pos, Pos, string]> = [
      () => [at('dst-port=2022', 13), at('dst-port=2022', 13), ' '], // a blank at a line end
      () => [at('dst-port=2022', 13), at('dst-port=2022', 14), ''],
      () => [at('dst-port=2022', 12), at('dst-port=2022', 12), '2'], // the command changes
      () => [at('action=drop protocol'), at('action=drop protocol'), '\n'], // a line break inside it
      () => [at(':local unused'), at(':local unused'), ':put "open\n'], // a string left open to the end
      () => [at(':put "open', 10), at(':put "open', 10), '"'],
      () => [at('add address=10.0.0.1'), at('add address=10.0.0.1'), '/ip route\n'], // a header above a relative command
      () => {
        const p = at('/ip route\n');
        return [p, { line: p.line + 1, character: 0 }, ''];
      },
      () => {
        // a command deleted, with its line end
        const p = at('add chain=input action=accept\n');
        return [p, { line: p.line + 1, character: 0 }, ''];
      },
      () => [{ line: 0, character: 0 }, { line: 0, character: 0 }, '  '],
    ];
    let fresh = 0;
    for (const make of edits) {
      const [start, end, insert] = make();
      text = applyChange(text, start, end, insert);
      version++;
      await c.change(uri, version, [{ range: { start, end }, text: insert }]);
      const got = await c.diagnosticsFor(uri, version, 30_000);
      const freshUri = `file:///incr/fresh-${fresh++}.rsc`;
      await c.open(freshUri, text, 1);
      const want = await c.diagnosticsFor(freshUri, 1, 30_000);
      // `data.version` names the document version the diagnostic belongs to
      const norm = (d: unknown) => JSON.stringify(d).split(freshUri).join(uri).replace(/"version":\d+/g, '"version":0');
      const g = norm(got);
      const w = norm(want);
      if (g !== w) {
        let i = 0;
        while (i < g.length && g[i] === w[i]) i++;
        assert.fail(`after inserting ${JSON.stringify(insert)} at ${JSON.stringify(start)}:\nedited: ...${g.slice(Math.max(0, i - 400), i + 300)}\nfresh:  ...${w.slice(Math.max(0, i - 400), i + 300)}`);
      }
      await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: freshUri } });
    }
  });

  test('closing a document and opening it again starts from a whole-file parse', async () => {
    const uri = 'file:///incr/reopened.rsc';
    await c.open(uri, BASE, 1);
    await c.diagnosticsFor(uri, 1, 30_000);
    await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    const other = BASE.replace(':local unused 1', ':local unused 1\n:local another 2');
    await c.open(uri, other, 5);
    const got = await c.diagnosticsFor(uri, 5, 30_000);
    const freshUri = 'file:///incr/reopened-fresh.rsc';
    await c.open(freshUri, other, 1);
    const want = await c.diagnosticsFor(freshUri, 1, 30_000);
    const norm = (d: unknown, u: string) => JSON.stringify(d).split(u).join('U').replace(/"version":\d+/g, '"version":0');
    assert.equal(norm(got, uri), norm(want, freshUri));
    assert.ok(got.length > 0);
  });
});
