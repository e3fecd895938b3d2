import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits, EditError } from '../../server/src/edits';

const rule = '/ip firewall filter add chain=input dst-port=555 action=add-src-to-address-list\n';

test('applyEdits: one insertion adds the missing src-address-list before the action', () => {
  const at = rule.indexOf(' action=');
  assert.equal(
    applyEdits(rule, [{ start: at, end: at, newText: ' src-address-list=knock1' }]),
    '/ip firewall filter add chain=input dst-port=555 src-address-list=knock1 action=add-src-to-address-list\n',
  );
});

test('applyEdits: edits in any order refer to the original offsets', () => {
  const text = 'add dst-port=888 address-list-timeout=1d';
  const p = text.indexOf('888');
  const t = text.indexOf('1d');
  const forward = applyEdits(text, [
    { start: p, end: p + 3, newText: '7841' },
    { start: t, end: t + 2, newText: '30m' },
  ]);
  const backward = applyEdits(text, [
    { start: t, end: t + 2, newText: '30m' },
    { start: p, end: p + 3, newText: '7841' },
  ]);
  assert.equal(forward, 'add dst-port=7841 address-list-timeout=30m');
  assert.equal(backward, forward);
});

test('applyEdits: moving a line is a deletion plus an insertion', () => {
  const text = 'add action=drop\nadd action=accept\n';
  const second = text.indexOf('add action=accept');
  const out = applyEdits(text, [
    { start: 0, end: 0, newText: 'add action=accept\n' },
    { start: second, end: text.length, newText: '' },
  ]);
  assert.equal(out, 'add action=accept\nadd action=drop\n');
});

test('applyEdits: touching replacements and insertions at the same point keep their order', () => {
  assert.equal(
    applyEdits('abcd', [
      { start: 0, end: 2, newText: 'X' },
      { start: 2, end: 4, newText: 'Y' },
    ]),
    'XY',
  );
  assert.equal(
    applyEdits('ab', [
      { start: 1, end: 1, newText: '1' },
      { start: 1, end: 1, newText: '2' },
    ]),
    'a12b',
  );
  // An insertion at the start of a replacement goes first.
  assert.equal(
    applyEdits('abcd', [
      { start: 1, end: 3, newText: 'Z' },
      { start: 1, end: 1, newText: '+' },
    ]),
    'a+Zd',
  );
  // ... and one at its end goes after it.
  assert.equal(
    applyEdits('abcd', [
      { start: 3, end: 3, newText: '+' },
      { start: 1, end: 3, newText: 'Z' },
    ]),
    'aZ+d',
  );
});

test('applyEdits: no edits returns the text unchanged', () => {
  assert.equal(applyEdits(rule, []), rule);
});

test('applyEdits: overlapping edits throw an EditError naming both', () => {
  assert.throws(
    () =>
      applyEdits('abcdef', [
        { start: 0, end: 3, newText: 'x' },
        { start: 2, end: 5, newText: 'y' },
      ]),
    (e: unknown) => e instanceof EditError && /overlapping edits: \[0, 3\) -> "x" and \[2, 5\) -> "y"/.test(e.message),
  );
  // An insertion strictly inside a replaced range overlaps it.
  assert.throws(
    () =>
      applyEdits('abcdef', [
        { start: 1, end: 4, newText: '' },
        { start: 2, end: 2, newText: 'y' },
      ]),
    EditError,
  );
});

test('applyEdits: out-of-range and reversed edits throw an EditError', () => {
  assert.throws(() => applyEdits('abc', [{ start: 2, end: 4, newText: '' }]), /outside the text \(length 3\)/);
  assert.throws(() => applyEdits('abc', [{ start: -1, end: 1, newText: '' }]), EditError);
  assert.throws(() => applyEdits('abc', [{ start: 2, end: 1, newText: '' }]), EditError);
  assert.throws(() => applyEdits('abc', [{ start: 0.5, end: 1, newText: '' }]), EditError);
});
