// What "RouterOS: Simulate knock sequence" shows (the pure part of client/src/knock/command.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { simulateKnockView } from '../../client/src/knock/view';
import { GUIDE, knocksOf } from '../simulate/helpers';

test('one item per packet and per matched rule, each linked to its rule; the result last', () => {
  const { model, knocks } = knocksOf(GUIDE);
  const v = simulateKnockView(model, knocks[0], 'knock.rsc');
  assert.equal(v.ok, true);
  assert.deepEqual(
    v.items.map((i) => [i.kind, i.label.trim(), i.range?.startLine]),
    [
      ['packet', 'Stage 1: tcp 203.0.113.1:888 from 198.51.100.7', 2],
      ['rule', 'filter input: add-src-to-address-list', 2],
      ['rule', 'filter input: drop', 8],
      ['packet', 'Stage 2: tcp 203.0.113.1:555 from 198.51.100.7', 3],
      ['rule', 'filter input: add-src-to-address-list', 3],
      ['rule', 'filter input: drop', 8],
      ['packet', 'Stage 3: tcp 203.0.113.1:222 from 198.51.100.7', 4],
      ['rule', 'filter input: add-src-to-address-list', 4],
      ['rule', 'filter input: accept', 5],
      ['packet', 'Access: tcp 203.0.113.1:22 from 198.51.100.7', 5],
      ['rule', 'filter input: accept', 5],
      ['result', 'Access granted', undefined],
    ],
  );
  assert.equal(v.items[1].detail, 'adds 198.51.100.7 to knock1 for 30 s');
  assert.match(v.text, /knock\.rsc:3/);
  // Knock packets that did their job are not labelled DROP; plain text, one kind of arrow.
  assert.equal(v.items[0].description, 'at 0s → stage 1 registered (packet dropped, as a knock should be)');
  assert.doesNotMatch(v.title, /`|->/);
  assert.match(v.title, /grants "secured"|grants "/);
  assert.doesNotMatch(v.items[v.items.length - 1].description!, /`/);
});

test('a failing knock: the result item points at the rule that stopped it', () => {
  const { model, knocks } = knocksOf(GUIDE.replace('/ip firewall filter\n', '/ip firewall filter\nadd action=drop chain=input protocol=tcp dst-port=500-600\n'));
  const v = simulateKnockView(model, knocks[0]);
  assert.equal(v.ok, false);
  const last = v.items[v.items.length - 1];
  assert.equal(last.label, 'Knock fails');
  assert.equal(last.range?.startLine, 1);
  assert.match(last.description!, /^FAILED at stage 2/);
});
