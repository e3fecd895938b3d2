// Regression snapshots of the knock checks on hand-written scenarios (test/fixtures/scenarios/*.rsc):
// accept or drop above the knocks, missing chaining at every position, untested blacklists, timeouts,
// place-before by number and by [find], jumps with return, /export wrapping, later set/move repairs,
// disabled rules, IPv6, forward-chain knocks and clean configurations that must stay silent. Each
// scenario's expectation and the reviewer's verdict are in test/fixtures/scenarios/README.md; the
// `.expected` files pin every finding (rule@line) so a change in any check shows up here.
// Regenerate after an intended change: UPDATE_GOLDEN=1 node scripts/test.mjs scenario-snapshots
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lint } from '../../server/src/lint';

const dir = join(__dirname, '..', 'fixtures', 'scenarios');
const update = process.env.UPDATE_GOLDEN === '1';

function snapshot(text: string): string {
  return lint(text)
    .findings.map((f) => `${f.rule}@${f.range.start.line + 1}:${f.range.start.column + 1} ${f.severity}`)
    .join('\n');
}

for (const name of readdirSync(dir).filter((f) => f.endsWith('.rsc')).sort()) {
  test(`scenario ${name}`, () => {
    const actual = snapshot(readFileSync(join(dir, name), 'utf8'));
    const expectedFile = join(dir, name.replace(/\.rsc$/, '.expected'));
    if (update || !existsSync(expectedFile)) {
      if (!update) assert.fail(`${expectedFile} is missing: run UPDATE_GOLDEN=1 node scripts/test.mjs scenario-snapshots`);
      writeFileSync(expectedFile, actual + '\n');
      return;
    }
    assert.equal(actual, readFileSync(expectedFile, 'utf8').replace(/\n$/, ''));
  });
}
