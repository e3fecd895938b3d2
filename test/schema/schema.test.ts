import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../scripts/gen-schema';
import { loadSchema, schemaVersionOf } from '../../server/src/schema';

const repoRoot = join(__dirname, '..', '..');
const src = join(repoRoot, '..', 'shared', 'routeros-schema');
const schemaDir = join(repoRoot, 'server', 'src', 'schema');
const filter = ['ip', 'firewall', 'filter'];

test('regenerating the tables from the crawl gives the committed files', { skip: !existsSync(src) && 'no ../shared/routeros-schema' }, () => {
  const out = generate(src);
  assert.deepEqual(out.map((g) => g.file), ['routeros-7.22.json', 'routeros-7.24.json']);
  for (const g of out) assert.ok(g.text === readFileSync(join(schemaDir, g.file), 'utf8'), `${g.file} is stale: npm run gen-schema`);
});

test('the tables stay small enough for the .vsix', () => {
  for (const f of ['routeros-7.22.json', 'routeros-7.24.json']) {
    const size = statSync(join(schemaDir, f)).size;
    assert.ok(size < 600 * 1024, `${f} is ${size} bytes`);
  }
});

test('firewall filter add: actions offered by the router', () => {
  const s = loadSchema('7.22');
  const action = s.argInfo(filter, 'add', 'action');
  assert.ok(action);
  assert.deepEqual(action.enum?.map((e) => e.value), [
    'accept', 'add-dst-to-address-list', 'add-src-to-address-list', 'drop', 'fasttrack-connection',
    'jump', 'log', 'passthrough', 'reject', 'return', 'tarpit',
  ]);
  assert.equal(action.desc, 'Action to undertake if the packet matches the rule');
});

test('argument types, ranges, negation and list flags', () => {
  const s = loadSchema();
  const timeout = s.argInfo(filter, 'add', 'address-list-timeout')!;
  assert.equal(timeout.type, '0s..35w3d13h13m56s (time interval)');
  assert.equal(timeout.range, '0s..35w3d13h13m56s');
  assert.deepEqual(timeout.enum?.map((e) => e.value), ['none-dynamic', 'none-static']);
  const state = s.argInfo(filter, 'add', 'connection-state')!;
  assert.equal(state.negatable, true);
  assert.deepEqual(state.enum?.map((e) => e.value), ['invalid', 'established', 'related', 'new', 'untracked']);
  assert.equal(s.argInfo(filter, 'add', 'comment')!.type, 'string value');
  assert.equal(s.argInfo(filter, 'add', 'no-such-arg'), undefined);
  // `!name` (verbose export) finds the property.
  assert.equal(s.argInfo(filter, 'set', '!address-list')?.name, 'address-list');
  assert.equal(s.argInfo(['interface', 'bonding'], 'add', 'slaves')?.list, true);
});

test('menus, submenus and commands', () => {
  const s = loadSchema();
  assert.ok(s.submenusOf(['ip', 'firewall']).includes('filter'));
  assert.ok(s.submenusOf(['ip', 'firewall']).includes('layer7-protocol'));
  assert.ok(s.submenusOf([]).includes('interface'));
  assert.deepEqual(s.commandsOf(filter), [
    'add', 'comment', 'disable', 'edit', 'enable', 'export', 'find', 'get', 'move', 'print', 'remove', 'reset',
    'reset-counters', 'reset-counters-all', 'set', 'unset',
  ]);
  assert.ok(s.globalCommands().includes('foreach'));
  assert.equal(s.lookupMenu(['ip', 'nope']), undefined);
  assert.deepEqual(s.resolve(['ip', 'firewall', 'filter', 'add']), { menu: filter, command: 'add', rest: [] });
  assert.deepEqual(s.resolve(['..', 'nat', 'add'], filter.slice(0, 2).concat('filter')), {
    menu: ['ip', 'firewall', 'nat'], command: 'add', rest: [],
  });
  assert.equal(s.isCommandName('add'), true);
  assert.equal(s.isCommandName('chain'), false);
});

test('7.24 table borrows values from 7.22 and knows its own new items', () => {
  const s = loadSchema('7.24.1');
  assert.equal(s.version, '7.24');
  assert.equal(s.completionsFrom, '7.22.2');
  assert.ok(s.argInfo(filter, 'add', 'action')!.enum!.some((e) => e.value === 'add-src-to-address-list'));
  assert.ok(s.commandsOf(['file']).includes('tail'));
  assert.ok(s.isMenu(['ip', 'neighbor', 'lldp']));
  assert.equal(loadSchema('7.22').isMenu(['ip', 'neighbor', 'lldp']), false);
  assert.equal(schemaVersionOf('7.25'), '7.24');
  assert.equal(schemaVersionOf('6.49'), '7.22');
  assert.equal(schemaVersionOf(undefined), '7.22');
});
