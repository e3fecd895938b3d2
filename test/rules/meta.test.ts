// Every registered check: a unique id, a doc page with the four sections that shows its bad and good
// examples verbatim, a bad example that triggers it and a good one that does not (ShellCheck style).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { allChecks } from '../../server/src/rules';
import { findingsOf, lintFor } from './tester';

const root = join(__dirname, '..', '..');

const ISSUE_IDS = [
  'knock-shadowed', 'knock-missing-chain', 'knock-broken-chain', 'knock-no-access', 'knock-exposed-service',
  'knock-timeout-missing', 'knock-timeout-short', 'knock-timeout-long', 'knock-blacklist-untested',
  'knock-blacklist-catches-knock', 'knock-blacklist-order', 'knock-layer7-tcp', 'knock-sequential-ports',
  'knock-weak-port', 'knock-no-interface', 'invalid-value',
  // issue 6: verification on the simulator (server/src/simulate)
  'knock-sim-fails', 'knock-sim-slow-grants', 'knock-sim-scan-completes', 'knock-sim-blacklist-blocks',
  // command tree (server/src/schema)
  'unknown-command',
  // issue 12: variables (server/src/rules/util/variables.ts)
  'undefined-variable', 'unused-variable',
  // issue 10: reachability for every rule
  'jump-target-missing', 'chain-unused', 'rule-never-matches', 'rule-unreachable', 'wan-input-open', 'service-exposed',
  'unknown-property', 'duplicate-property', 'missing-required', 'version-mismatch',
  // issue 11: firewall assertions (server/src/assert)
  'assertion-failed',
  // issue 13: print numbers (model/numbering.ts)
  'number-mismatch',
];

test('the registry holds exactly the documented check ids, once each', () => {
  const ids = allChecks.map((c) => c.id);
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), [...ISSUE_IDS].sort());
});

for (const check of allChecks) {
  test(`${check.id}: doc page with both examples`, () => {
    const file = join(root, 'docs', 'rules', `${check.id}.md`);
    assert.ok(existsSync(file), `missing ${file}`);
    const doc = readFileSync(file, 'utf8');
    for (const h of ['## Problematic code', '## Correct code', '## Rationale', '## Exceptions']) {
      assert.ok(doc.includes(h), `${check.id}.md lacks "${h}"`);
    }
    assert.ok(doc.includes(check.examples.bad.trim()), `${check.id}.md does not show the bad example`);
    assert.ok(doc.includes(check.examples.good.trim()), `${check.id}.md does not show the good example`);
  });
  test(`${check.id}: the bad example triggers it, the good one does not`, () => {
    assert.ok(findingsOf(check, check.examples.bad, undefined, check.examples.env).length > 0, 'bad example is silent');
    assert.deepEqual(findingsOf(check, check.examples.good, undefined, check.examples.env), []);
  });
  test(`${check.id}: the good example has no error-severity finding from any check`, () => {
    const errors = lintFor(check.examples.good, undefined, true, check.examples.env).filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => `${f.rule}: ${f.message}`), []);
  });
}
