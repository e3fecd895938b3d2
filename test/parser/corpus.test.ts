// Parses every file of ../shared/corpus/files (400 real scripts and exports; skipped when absent).
// Every file parses with zero errors except the ones listed in KNOWN_BROKEN, each of which has a
// genuine syntax error that RouterOS itself rejects (named below). A listed file that starts parsing
// clean fails the test too, so the list stays honest.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/parser/index';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus', 'files');

/** file -> the genuine syntax error in it (line numbers as our LineIndex counts them, 1-based). */
const KNOWN_BROKEN: Record<string, string> = {
  'Disassembler0__mikrotik-scripts__firewall__firewall-input.rsc': 'line 10: stray quote in comment="Jump to IN-LAN" rules" leaves a string open',
  'Queritt__routeros-scripts__Telegram__TLGRM.rsc': "line 482: one '}' more than '{' in the file (153 vs 154)",
  'afontainec__script_generator__MASTER__raw__AP_N.rsc': 'template placeholders like $IP-AP$: a lone `$` is not a variable',
  'afontainec__script_generator__MASTER__raw__pcc_ETHER1_LTE_hotspot.rsc': 'template placeholders ending in a lone `$`',
  'bracinho2__mikrotik__telegram.rsc': 'line 1: a pasted URL ending in an unmatched `"` opens a string up to line 13',
  'bubnovd__RouterOS-scripts__dynamic gateway changer.rsc': "line 7: `:if (...) do={` is never closed",
  'merlinthemagic__MTM-RouterOS-Scripting__src__v6__flash__MTM__Models__Interfaces__Base.rsc': 'line 74: `$|MTMS|` build placeholder, not a variable name',
  'stefanpejcic__mikrotik-scripts__backup.rsc': 'line 2: `\\` in the middle of a line outside a string; `[:picl` typo',
  'tikoci__lsp-routeros-ts__test-data__forum__amm0__topic-261912-amm0-s-forum-plugins-tests-routeros-graphviz-diagrams-colors__post-0001-snippet-03.rsc':
    'a JavaScript file (highlight.js grammar), not a RouterOS script',
};

test('corpus: every file RouterOS accepts parses with zero errors', { skip: !existsSync(corpus) && `${corpus} not found` }, () => {
  const files = readdirSync(corpus).sort();
  const failing: string[] = [];
  let clean = 0;
  for (const f of files) {
    const res = parse(readFileSync(join(corpus, f), 'utf8'));
    if (res.errors.length === 0) clean++;
    else if (!(f in KNOWN_BROKEN)) {
      const e = res.errors[0];
      failing.push(`${f}:${e.range.start.line + 1}:${e.range.start.column + 1}: ${e.message} (${res.errors.length} errors)`);
    }
    if (f in KNOWN_BROKEN) assert.ok(res.errors.length > 0, `${f} is listed as broken (${KNOWN_BROKEN[f]}) but parses clean: remove it from the list`);
  }
  console.log(`corpus: ${clean} of ${files.length} files parse with zero errors; ${Object.keys(KNOWN_BROKEN).length} known broken`);
  assert.deepEqual(failing, [], 'unexpected parse errors');
  assert.ok(clean >= files.length - Object.keys(KNOWN_BROKEN).length);
});

test('corpus: the deliberately broken file only has genuine syntax errors (none: a bogus command name is not one)', { skip: !existsSync(corpus) && `${corpus} not found` }, () => {
  const f = join(corpus, 'tikoci__lsp-routeros-ts__test-data__intentional-errors.rsc');
  if (!existsSync(f)) return;
  // it misspells a command (:foobar) and uses an undefined variable: semantic, not syntax errors
  assert.deepEqual(parse(readFileSync(f, 'utf8')).errors, []);
});
