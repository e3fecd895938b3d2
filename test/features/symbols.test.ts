import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DocumentSymbol } from 'vscode-languageserver-types';
import { documentSymbols } from '../../server/src/features/symbols';
import { foldingRanges } from '../../server/src/features/folding';
import { lint } from '../../server/src/lint';
import { loadSchema } from '../../server/src/schema';

const schema = loadSchema('7.22');

/** `name [detail] @line` with children indented: the outline as a reader sees it. */
function outline(text: string): string[] {
  const r = lint(text);
  const out: string[] = [];
  const walk = (syms: DocumentSymbol[], indent: string) => {
    for (const s of syms) {
      out.push(`${indent}${s.name}${s.detail ? ` [${s.detail}]` : ''} @${s.range.start.line}-${s.range.end.line}`);
      if (s.children) walk(s.children, `${indent}  `);
    }
  };
  walk(documentSymbols(r.parse, schema, r.knocks), '');
  return out;
}

const FILE = `# knock setup
/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=7342 protocol=tcp comment="knock 1"
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=4519 protocol=tcp src-address-list=knock1
add action=accept chain=input src-address-list=secured
add action=drop chain=input \\
    in-interface-list=WAN
/system script
add name=cleanup source={
  :log info "clean"
}
:global counter 0
/ip firewall address-list add list=blocked address=192.0.2.1
`;

test('outline: sections, rules by comment or summary, scripts, knock groups', () => {
  assert.deepEqual(outline(FILE), [
    '/ip firewall filter [4 items] @1-6',
    '  knock 1 [input add-src-to-address-list → knock1 tcp 7342] @2-2',
    '  input add-src-to-address-list → secured tcp 4519 from knock1 @3-3',
    '  input accept from secured @4-4',
    '  input drop in WAN @5-6',
    'Port knocking: tcp 7342 -> 4519, 30 s per step, grants `secured` for 30 m [ip filter input] @2-4',
    '  stage 1: tcp 7342 [→ knock1 (30 s)] @2-2',
    '  stage 2: tcp 4519 [→ secured (30 m)] @3-3',
    '  accept secured @4-4',
    // ready-to-copy client commands, one probe per port in order (never the guide's `for x in 888,555,222`)
    '/system script [1 item] @7-10',
    '  cleanup [script] @8-10',
    'counter [:global] @11-11',
    '/ip firewall address-list [1 item] @12-12',
    '  blocked: 192.0.2.1 [address list entry] @12-12',
  ]);
});

test('folding: sections, blocks, continued commands, comment runs', () => {
  const r = lint(`# a
# b
${FILE}`);
  assert.deepEqual(
    foldingRanges(r.parse, schema).map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`),
    ['0-2 comment', '3-8 region', '7-8', '9-12 region', '10-11'],
  );
});
