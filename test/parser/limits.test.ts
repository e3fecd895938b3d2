import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inputTooLarge, MAX_INPUT_BYTES } from '../../server/src/limits';

test('inputs up to the limit pass; above it, one message naming the file, its size and the limit', () => {
  assert.equal(inputTooLarge(0, 'a.rsc'), undefined);
  assert.equal(inputTooLarge(MAX_INPUT_BYTES, 'a.rsc'), undefined);
  const m = inputTooLarge(MAX_INPUT_BYTES + 1, 'a.rsc');
  assert.ok(m);
  assert.match(m, /^a\.rsc is too large to lint \(32\.0 MB; the limit is 32\.0 MB\): split it into smaller files$/);
  assert.match(inputTooLarge(200 * 1048576, 'fleet/x.rsc')!, /\(200\.0 MB; the limit is 32\.0 MB\)/);
});
