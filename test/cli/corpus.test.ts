// rsc-lint over the whole corpus of real scripts in one run: it must never fail to run, never hit an
// internal error, and every reported position must lie inside its file. Skips without ../shared/corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot, runCli } from './helpers';

const corpus = path.join(repoRoot, '..', 'shared', 'corpus', 'files');

test('corpus: rsc-lint --format json over every file', { skip: !fs.existsSync(corpus) && 'no ../shared/corpus' }, async () => {
  const r = await runCli(['--format', 'json', corpus]);
  assert.ok(r.code === 0 || r.code === 1, `exit status ${r.code}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  const rows = JSON.parse(r.stdout) as Array<{ file: string; line: number; column: number; endLine: number; endColumn: number; rule: string; message: string }>;
  assert.deepEqual(
    rows.filter((x) => x.rule === 'internal-error').map((x) => `${path.basename(x.file)}: ${x.message}`),
    [],
  );
  const lines = new Map<string, string[]>();
  for (const x of rows) {
    if (!lines.has(x.file)) lines.set(x.file, fs.readFileSync(x.file, 'utf8').replace(/^\uFEFF/, '').split(/\r\n|\r|\n/));
    const text = lines.get(x.file)!;
    const where = `${path.basename(x.file)}:${x.line}:${x.column} ${x.rule}`;
    assert.ok(x.line >= 1 && x.line <= text.length, `${where}: line inside the file`);
    assert.ok(x.column >= 1 && x.column <= text[x.line - 1].length + 1, `${where}: column inside the line`);
    assert.ok(x.endLine >= x.line && x.endLine <= text.length, `${where}: end line inside the file`);
    assert.ok(x.endColumn >= 1 && x.endColumn <= text[x.endLine - 1].length + 1, `${where}: end column inside the line`);
  }
  const counts: Record<string, number> = {};
  for (const x of rows) counts[x.rule] = (counts[x.rule] ?? 0) + 1;
  console.log(`rsc-lint on the corpus: ${rows.length} findings in ${lines.size} files`, counts);
});
