// Completion and hover follow the RouterOS version: completion offers only what that version has,
// hover says "since 7.21" / "removed in 7.21" / "not in RouterOS 7.16".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completion } from '../../server/src/features/completion';
import { hover } from '../../server/src/features/hover';
import { lint } from '../../server/src/lint';
import { loadSchema, schemaForScript } from '../../server/src/schema';
import { parse } from '../../server/src/parser';
import { marked } from './cursor';

function labels(src: string, version: string): string[] {
  const m = marked(src);
  return completion(m.text, m.parse, m.cursor, loadSchema(version)).map((i) => i.label);
}

function hoverText(src: string, version: string): string {
  const m = marked(src);
  const h = hover(m.text, lint(m.text), m.cursor, loadSchema(version));
  return (h?.contents as { value: string } | undefined)?.value ?? '';
}

test('completion offers only what the target version has: tos from 7.21, hw-offload until 7.20', () => {
  const src = '/ip firewall filter add chain=forward <|>';
  assert.ok(!labels(src, '7.16').includes('tos='));
  assert.ok(labels(src, '7.16').includes('hw-offload='));
  assert.ok(labels(src, '7.21').includes('tos='));
  assert.ok(!labels(src, '7.21').includes('hw-offload='));
  assert.ok(labels('/system <|>', '7.16').includes('upgrade'));
  assert.ok(!labels('/system <|>', '7.17').includes('upgrade'));
});

test('hover marks versions: since 7.21 / removed in 7.21 / not in the version the hover follows', () => {
  const tos = hoverText('/ip firewall filter add chain=forward t<|>os=4', '7.22');
  assert.match(tos, /RouterOS: since 7\.21/);
  assert.doesNotMatch(tos, /not in RouterOS/);
  assert.match(hoverText('/ip firewall filter add chain=forward t<|>os=4', '7.16'), /RouterOS: since 7\.21 · \*\*not in RouterOS 7\.16\*\*/);
  assert.match(hoverText('/ip firewall filter add chain=forward hw-off<|>load=yes', '7.16'), /RouterOS: removed in 7\.21$/m);
  assert.doesNotMatch(hoverText('/ip firewall filter add ch<|>ain=forward', '7.16'), /RouterOS:/);
});

test('the version for the editor: the setting, else the /export header, else the newest', () => {
  assert.equal(schemaForScript(parse('# by RouterOS 7.16.2\n/ip address print\n').script).version, '7.16');
  assert.equal(schemaForScript(parse('# by RouterOS 7.16.2\n').script, '7.21').version, '7.21');
  assert.equal(schemaForScript(parse('/ip address print\n').script).version, '7.24');
  assert.equal(schemaForScript(parse('# by RouterOS 6.49.7\n').script).version, '7.24');
});
