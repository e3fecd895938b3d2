// The differential analysis on the real corpus (skipped without ../shared/corpus): every file against
// itself is "no change" (or honestly incomplete), and against a copy with one filter rule moved one
// place down, every reported change is real: its witness packet, replayed by the simulator, gets the
// piece's verdicts on both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import { diffFirewalls } from '../../server/src/semantics';

const CORPUS = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');

test('corpus: diff(A, A) is empty; one rule moved reports only real changes', { skip: !existsSync(CORPUS) && 'no ../shared/corpus' }, () => {
  let files = 0;
  let incomplete = 0;
  let moved = 0;
  let changed = 0;
  let pieces = 0;
  const disagreeing: string[] = [];
  for (const name of readdirSync(CORPUS).filter((f) => f.endsWith('.rsc')).sort()) {
    const text = readFileSync(join(CORPUS, name), 'utf8');
    const p = parse(text);
    const a = buildModel(p, text);
    const filter = a.tables.get('ip filter');
    if (!filter || filter.rules.length < 2) continue;
    files++;
    const same = diffFirewalls(a, buildModel(p, text), { witnesses: false });
    if (!same.complete) {
      incomplete++;
      continue;
    }
    assert.deepEqual(same.families.flatMap((f) => f.pieces).length, 0, name);
    const b = buildModel(p, text);
    const rules = b.tables.get('ip filter')!.rules;
    const at = rules.length >> 1;
    const [r] = rules.splice(at, 1);
    rules.splice(at + 1, 0, r);
    const d = diffFirewalls(a, b);
    if (!d.complete) continue;
    moved++;
    const ps = d.families.flatMap((f) => f.pieces);
    if (ps.length > 0) changed++;
    pieces += ps.length;
    for (const pc of ps) if (!pc.may && !pc.witness!.agrees) disagreeing.push(`${name}: ${pc.hook} ${pc.before.verdict} -> ${pc.after.verdict}`);
  }
  console.log(`corpus diff: ${files} files with a filter table, ${incomplete} incomplete against themselves, ${moved} compared with one rule moved, ${changed} of them changed (${pieces} pieces)`);
  assert.deepEqual(disagreeing, []);
});
