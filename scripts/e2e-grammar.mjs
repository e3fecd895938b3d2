// Tokenizes RouterOS samples with the TextMate grammar (syntaxes/routeros.tmLanguage.json) using the very
// engine VS Code runs (vscode-textmate + vscode-oniguruma, taken from the code-server install that
// scripts/e2e-setup.sh makes), and checks the scopes a person would see coloured.
//
//   node scripts/e2e-grammar.mjs
//
// Prints `N passed, N failed` last; exit code 0 when all passed.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const vscodeModules = join(root, '.vscode-test', 'code-server', 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
const require = createRequire(join(vscodeModules, 'x.js'));
let vsctm;
let oniguruma;
try {
  vsctm = require('vscode-textmate');
  oniguruma = require('vscode-oniguruma');
} catch {
  console.error(`e2e grammar: vscode-textmate/vscode-oniguruma not found under ${vscodeModules}: run scripts/e2e-setup.sh`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}

const wasm = readFileSync(join(dirname(require.resolve('vscode-oniguruma')), 'onig.wasm'));
await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
const registry = new vsctm.Registry({
  onigLib: Promise.resolve({
    createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
    createOnigString: (s) => new oniguruma.OnigString(s),
  }),
  loadGrammar: async (scopeName) => {
    if (scopeName !== 'source.routeros') return null;
    const path = join(root, 'syntaxes', 'routeros.tmLanguage.json');
    return vsctm.parseRawGrammar(readFileSync(path, 'utf8'), path);
  },
});
const grammar = await registry.loadGrammar('source.routeros');

/** Tokens of a multi-line text: [{ line, text, scopes }]. */
function tokenize(text) {
  const out = [];
  let state = vsctm.INITIAL;
  text.split('\n').forEach((line, i) => {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ line: i, text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes });
    state = r.ruleStack;
  });
  return out;
}

let passed = 0;
let failed = 0;
/** Expects the token(s) covering `text` (on `line`, nth occurrence) to include a scope starting with `scope`. */
function expectScope(sample, name, checks) {
  const tokens = tokenize(sample);
  const problems = [];
  for (const [text, scope, line] of checks) {
    const covering = tokens.filter((t) => (line === undefined || t.line === line) && t.text.length > 0 && text.includes(t.text.trim()) && t.text.trim().length > 0);
    const hit = tokens.find((t) => (line === undefined || t.line === line) && t.text === text);
    const candidates = hit ? [hit] : covering;
    const ok = candidates.length > 0 && candidates.every((t) => t.scopes.some((s) => s.startsWith(scope)));
    if (!ok) {
      problems.push(
        `"${text}" should be ${scope}; tokens: ${JSON.stringify(candidates.map((t) => [t.text, t.scopes.slice(1)]))}`,
      );
    }
  }
  if (problems.length === 0) passed++;
  else failed++;
  console.log(`${problems.length === 0 ? '  ok  ' : '  FAIL'} grammar: ${name}`);
  for (const p of problems) console.log(`        ${p}`);
}

expectScope(
  '# jan/03/2026 12:00:00 by RouterOS 7.22\n/ip firewall filter\nadd action=drop chain=input comment="drop all" dst-port=22,8291 protocol=tcp',
  'export header comment, menu path, verb, properties, action, string, port list',
  [
    ['# jan/03/2026 12:00:00 by RouterOS 7.22', 'comment.line.number-sign', 0],
    ['/ip firewall filter', 'entity.name.section.menu-path', 1],
    ['add', 'keyword.other.command', 2],
    ['action', 'variable.parameter.property', 2],
    ['drop', 'support.constant.action', 2],
    ['input', 'support.constant.chain', 2],
    ['drop all', 'string.quoted.double', 2],
    ['22,8291', 'constant.numeric', 2],
  ],
);
expectScope(
  '/ip/firewall/address-list/add address=192.168.88.0/24 list=lan timeout=1d2h3m\n/interface list member add interface=ether1 list=WAN',
  'slash path style, IPv4 prefix, duration, spaced path with hyphen',
  [
    ['/ip/firewall/address-list', 'entity.name.section.menu-path', 0],
    ['add', 'keyword.other.command', 0],
    ['192.168.88.0/24', 'constant.numeric.ip-address', 0],
    ['1d2h3m', 'constant.numeric.time', 0],
    ['/interface list member', 'entity.name.section.menu-path', 1],
  ],
);
expectScope(
  ':local count 5\n:if ($count > 3) do={ :put "many $count" } else={ :log info "few" }\n:foreach i in=[/ip address find] do={}',
  'global commands, variables, interpolation, control arguments, substitution',
  [
    [':local', 'storage.type.variable', 0],
    ['count', 'variable.other.definition', 0],
    [':if', 'keyword.control', 1],
    ['$count', 'variable.other', 1],
    ['do', 'keyword.control.argument', 1],
    [':put', 'support.function.builtin', 1],
    ['else', 'keyword.control.argument', 1],
    [':foreach', 'keyword.control', 2],
    ['find', 'keyword.other.command', 2],
  ],
);
expectScope(
  '/system scheduler add name=clean interval=1m on-event="/ip firewall address-list remove [find list=\\"knock-1\\"]; :log info \\"cleaned $n\\""',
  'code inside on-event= strings: path, verb, escaped inner strings, variable',
  [
    ['on-event', 'variable.parameter.property', 0],
    ['/ip firewall address-list', 'meta.embedded.block.routeros', 0],
    ['/ip firewall address-list', 'entity.name.section.menu-path', 0],
    ['remove', 'keyword.other.command', 0],
    [':log', 'support.function.builtin', 0],
    ['knock-1', 'string.quoted.double.embedded', 0],
    ['$n', 'variable.other', 0],
  ],
);
expectScope(
  '/system script add name=grant source="# grant access\\n:log info \\"ok\\""\n:put "done" ; # trailing comment',
  'comment inside a source= string, trailing comment after code',
  [
    ['# grant access', 'comment.line.number-sign', 0],
    ['# trailing comment', 'comment.line.number-sign', 1],
    [':put', 'support.function.builtin', 1],
  ],
);
expectScope(
  '/ip firewall filter add chain=input \\\n    action=accept src-address-list=!blocked',
  'line continuation, negated value',
  [
    ['\\', 'punctuation.separator.continuation', 0],
    ['action', 'variable.parameter.property', 1],
    ['src-address-list', 'variable.parameter.property', 1],
  ],
);
expectScope('/ipv6 address add address=2001:db8::1/64 interface=ether1\n/interface ethernet set [find default-name=ether1] mac-address=AA:BB:CC:DD:EE:0F', 'IPv6 and MAC addresses', [
  ['2001:db8::1/64', 'constant.numeric.ip-address.v6', 0],
  ['AA:BB:CC:DD:EE:0F', 'constant.numeric.mac-address', 1],
]);

// Every line of the shared corpus (400 real files) tokenizes without hitting the engine's time limit: no
// regex in the grammar backtracks catastrophically. Skipped (and said so) without ../shared/corpus.
const corpus = join(root, '..', 'shared', 'corpus', 'files');
if (existsSync(corpus)) {
  let lines = 0;
  let stopped = 0;
  let worst = { ms: 0, where: '' };
  const t0 = performance.now();
  for (const f of readdirSync(corpus)) {
    let state = vsctm.INITIAL;
    readFileSync(join(corpus, f), 'utf8')
      .split(/\r?\n/)
      .forEach((line, i) => {
        const t = performance.now();
        const r = grammar.tokenizeLine(line, state, 1000);
        const ms = performance.now() - t;
        if (r.stoppedEarly) stopped++;
        if (ms > worst.ms) worst = { ms, where: `${f}:${i + 1}` };
        state = r.ruleStack;
        lines++;
      });
  }
  const total = performance.now() - t0;
  const ok = stopped === 0 && worst.ms < 250;
  if (ok) passed++;
  else failed++;
  console.log(
    `${ok ? '  ok  ' : '  FAIL'} grammar: the corpus (${lines} lines) tokenizes in ${Math.round(total)} ms; slowest line ${worst.ms.toFixed(1)} ms (${worst.where}); ${stopped} lines hit the time limit`,
  );
} else {
  console.log(`  skip grammar: corpus check (no ${corpus})`);
}

// Side by side with the language server's semantic tokens (test/lsp/workspace.test.ts checks those): the
// grammar colours `admins` and `secured` as plain property values, it cannot know they are address lists and a
// chain; the semantic tokens add exactly that, and nothing the grammar already colours.
{
  const sample = '/ip firewall filter\nadd chain=mgmt action=accept src-address-list=admins\nadd chain=input action=jump jump-target=mgmt';
  const tokens = tokenize(sample);
  const scopeOf = (text, line) => tokens.find((t) => t.line === line && t.text === text)?.scopes.slice(1) ?? [];
  const names = [['admins', 1], ['mgmt', 1], ['mgmt', 2]];
  const generic = names.every(([t, l]) => !scopeOf(t, l).some((s) => /^(entity\.name|variable|support\.constant\.chain)/.test(s)));
  if (generic) passed++;
  else failed++;
  console.log(`${generic ? '  ok  ' : '  FAIL'} grammar: user-defined names stay generic in TextMate (${names.map(([t, l]) => `${t}: ${scopeOf(t, l).join(' ') || '(none)'}`).join('; ')}); semantic tokens mark them`);
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
