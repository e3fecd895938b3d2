import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { generate } from '../../scripts/gen-schema';
import { anySchema, loadSchema, schemaVersionOf } from '../../server/src/schema';

const repoRoot = join(__dirname, '..', '..');
const src = join(repoRoot, '..', 'shared', 'routeros-schema');
const schemaDir = join(repoRoot, 'server', 'src', 'schema');
const filter = ['ip', 'firewall', 'filter'];

test('regenerating the table from the crawls gives the committed file', { skip: !existsSync(src) && 'no ../shared/routeros-schema' }, () => {
  const out = generate(src);
  assert.deepEqual(out.map((g) => g.file), ['routeros.json']);
  for (const g of out) assert.ok(g.text === readFileSync(join(schemaDir, g.file), 'utf8'), `${g.file} is stale: npm run gen-schema`);
});

test('the table stays small enough for the .vsix', () => {
  const size = statSync(join(schemaDir, 'routeros.json')).size;
  assert.ok(size < 700 * 1024, `routeros.json is ${size} bytes`);
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

test('one table, a view per version: 7.24 borrows values from the 7.22 crawl and knows its own new items', () => {
  const s = loadSchema('7.24.1');
  assert.equal(s.version, '7.24');
  assert.equal(s.completionsFrom, '7.22.3, 7.21.5');
  assert.ok(s.argInfo(filter, 'add', 'action')!.enum!.some((e) => e.value === 'add-src-to-address-list'));
  assert.ok(s.commandsOf(['file']).includes('tail'));
  assert.ok(s.isMenu(['ip', 'neighbor', 'lldp']));
  assert.equal(loadSchema('7.22').isMenu(['ip', 'neighbor', 'lldp']), false);
  assert.equal(schemaVersionOf('7.25'), '7.24');
  assert.equal(schemaVersionOf('7.16.2'), '7.16');
  assert.equal(schemaVersionOf('6.49'), '7.24');
  assert.equal(schemaVersionOf(undefined), '7.24');
});

test('versions: tos appeared in 7.21, hw-offload went away in 7.21 (the data README sanity example)', () => {
  assert.equal(loadSchema('7.20').argInfo(filter, 'add', 'tos'), undefined);
  assert.ok(loadSchema('7.21').argInfo(filter, 'add', 'tos'));
  assert.ok(loadSchema('7.20').argInfo(filter, 'add', 'hw-offload'));
  assert.equal(loadSchema('7.21').argInfo(filter, 'add', 'hw-offload'), undefined);
  const any = anySchema();
  assert.deepEqual(any.availability(filter, 'add', 'tos')?.since, '7.21');
  assert.equal(any.availability(filter, 'add', 'tos')?.removedIn, undefined);
  assert.equal(any.availability(filter, 'add', 'hw-offload')?.removedIn, '7.21');
  assert.equal(any.availability(filter, 'add', 'hw-offload')?.since, undefined);
  assert.equal(any.availability(filter, 'add', 'chain')?.versions.length, 16);
  assert.equal(any.availability(filter, 'add', 'nope'), undefined);
  // /system upgrade became /system package local-update in 7.17
  assert.equal(any.availability(['system', 'upgrade'])?.removedIn, '7.17');
  assert.deepEqual(any.renamedTo(['system', 'upgrade']), { to: 'system package local-update', version: '7.17' });
  assert.ok(loadSchema('7.16').isMenu(['system', 'upgrade']));
  assert.ok(!loadSchema('7.17').isMenu(['system', 'upgrade']));
});

test('extra packages: wireless, container and user-manager menus are known, marked as package', () => {
  const any = anySchema();
  assert.ok(any.isMenu(['interface', 'wireless']));
  assert.ok(any.isMenu(['container']));
  assert.ok(any.isMenu(['user-manager', 'user']));
  assert.equal(any.availability(['container'])?.package, true);
  assert.ok(any.argInfo(['interface', 'wireless'], 'set', 'ssid'));
});

test('value types parsed from the router\'s desc texts', () => {
  const s = loadSchema('7.22');
  assert.deepEqual(s.argInfo(filter, 'add', 'address-list-timeout')!.valueType, ['time', 0, 35 * 7 * 86400000 + 3 * 86400000 + 13 * 3600000 + 13 * 60000 + 56000]);
  assert.deepEqual(s.argInfo(['ip', 'address'], 'add', 'address')!.valueType, ['ip']);
  assert.equal(s.argInfo(['ip', 'address'], 'add', 'disabled')!.closed, true);
  assert.deepEqual(s.argInfo(['interface', 'bridge'], 'add', 'admin-mac')!.valueType, ['mac']);
});
