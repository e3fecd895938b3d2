// The Markdown injection grammar, tokenized by VS Code's own engine (vscode-textmate + vscode-oniguruma)
// together with VS Code's Markdown grammar, both taken from the code-server install that
// scripts/e2e-setup.sh makes (.vscode-test/, or the directory named by RSC_VSCODE_DIR: the `lib/vscode`
// folder of a code-server or VS Code install). Skips when neither is there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const root = join(__dirname, '..', '..');
const vscodeDir = process.env.RSC_VSCODE_DIR ?? join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode');
const mdGrammar = join(vscodeDir, 'extensions', 'markdown-basics', 'syntaxes', 'markdown.tmLanguage.json');
const skip = !existsSync(join(vscodeDir, 'node_modules', 'vscode-textmate')) || !existsSync(mdGrammar) ? 'no VS Code install (scripts/e2e-setup.sh)' : false;

const SAMPLE = [
  '# Knock', //                                          0
  '', //                                                 1
  '```routeros', //                                      2
  '/ip firewall filter', //                              3
  'add chain=input action=drop # the end', //            4
  '```', //                                              5
  '', //                                                 6
  '- step', //                                           7
  '  ~~~ RSC', //                                        8
  '  add chain=input', //                                9
  '  ~~~', //                                            10
  '```bash', //                                          11
  'add chain=input', //                                  12
  '```', //                                              13
  'add chain=input after the block', //                  14
].join('\n');

test('```routeros, ~~~ RSC blocks get the RouterOS grammar inside Markdown; ```bash and prose do not', { skip }, async () => {
  const req = createRequire(join(vscodeDir, 'node_modules', 'x.js'));
  const vsctm = req('vscode-textmate');
  const onig = req('vscode-oniguruma');
  const wasm = readFileSync(join(dirname(req.resolve('vscode-oniguruma')), 'onig.wasm'));
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const files: Record<string, string> = {
    'text.html.markdown': mdGrammar,
    'source.routeros': join(root, 'syntaxes', 'routeros.tmLanguage.json'),
    'markdown.routeros.codeblock': join(root, 'syntaxes', 'routeros.markdown.tmLanguage.json'),
  };
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => (files[scope] ? vsctm.parseRawGrammar(readFileSync(files[scope], 'utf8'), files[scope]) : null),
    getInjections: (scope: string) => (scope === 'text.html.markdown' ? ['markdown.routeros.codeblock'] : []),
  });
  const grammar = await registry.loadGrammar('text.html.markdown');
  let state = vsctm.INITIAL;
  const scopesAt: string[][][] = [];
  for (const line of SAMPLE.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    scopesAt.push(r.tokens.map((t: { scopes: string[] }) => t.scopes));
    state = r.ruleStack;
  }
  if (process.env.DUMP) console.log(JSON.stringify(scopesAt.slice(2, 5)));
  const has = (line: number, scope: string) => scopesAt[line].some((s) => s.some((x) => x.startsWith(scope)));
  assert.ok(has(2, 'fenced_code.block.language'), 'the language word');
  for (const l of [3, 4, 9]) assert.ok(has(l, 'meta.embedded.block.routeros'), `line ${l} embedded`);
  assert.ok(has(3, 'entity.name.section.menu-path.routeros'), 'the menu path');
  assert.ok(has(4, 'keyword.other.command.routeros') && has(4, 'support.constant.action.routeros'), 'verb and action');
  assert.ok(has(9, 'keyword.other.command.routeros'), 'inside the list item');
  assert.ok(has(4, 'comment'), 'a RouterOS comment inside the block');
  for (const l of [12, 14]) assert.ok(!has(l, 'meta.embedded.block.routeros'), `line ${l} is not RouterOS`);
  assert.ok(!has(1, 'meta.embedded.block.routeros'));
});
