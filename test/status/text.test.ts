import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusText } from '../../client/src/status/text';

test('language status: running names the target version and how many checks are on', () => {
  const s = statusText({ state: 'running', targetVersion: '7.16', ruleCount: 27, rulesOff: 2 });
  assert.equal(s.text, 'RouterOS 7.16');
  assert.match(s.detail, /running · RouterOS 7\.16 · 25 of 27 checks on/);
  assert.equal(s.severity, 'info');
});

test('language status: without a target version it says the file decides', () => {
  assert.match(statusText({ state: 'running', ruleCount: 3, rulesOff: 0 }).detail, /RouterOS version from the file/);
});

test('language status: a failed server is an error that points at the output', () => {
  const s = statusText({ state: 'failed', ruleCount: 3, rulesOff: 0 });
  assert.equal(s.severity, 'error');
  assert.match(s.detail, /Show output/);
  assert.equal(statusText({ state: 'starting', ruleCount: 3, rulesOff: 0 }).busy, true);
});
