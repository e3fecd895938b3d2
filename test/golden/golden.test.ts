// Golden parser tests: every test/golden/*.rsc is parsed and its dump (tree, comments, errors; see
// server/src/parser/dump.ts) compared with the .expected file beside it.
// Regenerate after an intended change:  UPDATE_GOLDEN=1 node scripts/test.mjs golden
// then review the diff of the .expected files like code.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from '../../server/src/parser/index';
import { dumpParse } from '../../server/src/parser/dump';

const dir = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

const inputs = readdirSync(dir).filter((f) => f.endsWith('.rsc')).sort();

test('golden inputs exist', () => {
  assert.ok(inputs.length >= 10, `expected golden inputs in ${dir}`);
});

for (const name of inputs) {
  test(`golden ${name}`, () => {
    const text = readFileSync(join(dir, name), 'utf8');
    const actual = dumpParse(parse(text));
    const expectedPath = join(dir, name.replace(/\.rsc$/, '.expected'));
    if (update || !existsSync(expectedPath)) {
      writeFileSync(expectedPath, actual);
      if (!update) assert.fail(`${expectedPath} did not exist; written now, review and commit it`);
      return;
    }
    assert.equal(actual, readFileSync(expectedPath, 'utf8'), `${name}: dump differs (UPDATE_GOLDEN=1 to regenerate)`);
  });
}

test('error-recovery inputs report errors, the others none', () => {
  for (const name of inputs) {
    const res = parse(readFileSync(join(dir, name), 'utf8'));
    if (name.startsWith('err-')) assert.ok(res.errors.length + (res.embeddedErrors?.length ?? 0) > 0, `${name} should have errors`);
    else assert.deepEqual(res.errors, [], `${name} should parse clean`);
  }
});
