// Every editor feature on real files: nothing throws, ranges stay inside the text, and rename of a
// name renames every occurrence consistently. Skips cleanly without ../shared/corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../server/src/parser';
import { loadSchema } from '../../server/src/schema';
import { completion } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { documentSymbols } from '../../server/src/features/symbols';
import { foldingRanges } from '../../server/src/features/folding';
import { indexNames, references } from '../../server/src/features/navigation';
import { positionAt } from '../../server/src/features/textPos';

const repoRoot = join(__dirname, '..', '..');
const corpus = join(repoRoot, '..', 'shared', 'corpus', 'files');
const schema = loadSchema('7.22');

test('editor features on a sample of the corpus', { skip: !existsSync(corpus) && 'no ../shared/corpus' }, () => {
  // Every 8th file under 120 KB: a spread of exports, scripts and firewall dumps, in reasonable time.
  const files = readdirSync(corpus)
    .filter((f) => f.endsWith('.rsc'))
    .sort()
    .filter((f, i) => i % 8 === 0 && statSync(join(corpus, f)).size < 120_000);
  assert.ok(files.length > 20);
  let checkedRefs = 0;
  for (const f of files) {
    const text = readFileSync(join(corpus, f), 'utf8');
    const p = parse(text);
    const lines = text.split(/\r\n|\r|\n/);
    const inText = (r: { start: { line: number }; end: { line: number } }) =>
      r.start.line >= 0 && r.end.line < lines.length && r.start.line <= r.end.line;
    // Cursors at line ends, after the first `=` of lines, and mid-line.
    for (let l = 0; l < lines.length; l += Math.max(1, Math.floor(lines.length / 15))) {
      const eq = lines[l].indexOf('=');
      for (const character of [lines[l].length, eq + 1, Math.floor(lines[l].length / 2)]) {
        if (character < 0) continue;
        const pos = { line: l, character };
        for (const item of completion(text, p, pos, schema)) {
          const e = item.textEdit as { range: { start: { line: number; character: number }; end: { line: number } } } | undefined;
          assert.ok(e && inText(e.range), `${f}:${l}:${character} ${item.label}`);
        }
        const h = hover(text, { parse: p }, pos, schema);
        if (h?.range) assert.ok(inText(h.range), `${f} hover range`);
      }
    }
    for (const s of documentSymbols(p, schema)) assert.ok(inText(s.range), `${f} symbol ${s.name}`);
    for (const r of foldingRanges(p, schema)) assert.ok(r.startLine < r.endLine && r.endLine < lines.length, `${f} fold`);
    // References from any occurrence of a name list exactly the occurrences with that text.
    const index = indexNames(p, schema, text);
    for (const o of index.occurrences.slice(0, 30)) {
      const refs = references(text, p, o.range.start, schema);
      assert.ok(refs.length >= 1, `${f} ${o.key}`);
      for (const r of refs) assert.equal(lines[r.start.line].slice(r.start.character, r.end.character), o.name, `${f} ${o.key}`);
      checkedRefs++;
    }
    void positionAt;
  }
  assert.ok(checkedRefs > 50);
});
