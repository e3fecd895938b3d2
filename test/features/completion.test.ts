import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completion } from '../../server/src/features/completion';
import { loadSchema } from '../../server/src/schema';
import { marked, textOf } from './cursor';

const schema = loadSchema('7.22');

function complete(src: string) {
  const m = marked(src);
  const items = completion(m.text, m.parse, m.cursor, schema);
  return { items, labels: items.map((i) => i.label), m };
}

/** The text each item's edit replaces must be what was typed: check one item. */
function replaced(src: string, label: string): string {
  const { items, m } = complete(src);
  const item = items.find((i) => i.label === label);
  assert.ok(item, `no item ${label}`);
  const edit = item.textEdit as { range: Parameters<typeof textOf>[1]; newText: string };
  return textOf(m.text, edit.range);
}

const FILTER_ACTIONS = [
  'accept', 'add-dst-to-address-list', 'add-src-to-address-list', 'drop', 'fasttrack-connection', 'jump', 'log',
  'passthrough', 'reject', 'return', 'tarpit',
];

test('menu paths after `/`, space form', () => {
  const { labels } = complete('/ip fire<|>');
  assert.ok(labels.includes('firewall'));
  assert.ok(labels.includes('address'));
  assert.equal(replaced('/ip fire<|>', 'firewall'), 'fire');
  assert.ok(complete('/<|>').labels.includes('interface'));
  const sub = complete('/ip firewall <|>').labels;
  assert.ok(sub.includes('filter') && sub.includes('layer7-protocol') && sub.includes('address-list'));
});

test('menu paths after `/`, slash form', () => {
  const { labels } = complete('/ip/firewall/fi<|>');
  assert.ok(labels.includes('filter'));
  assert.equal(replaced('/ip/firewall/fi<|>', 'filter'), 'fi');
  assert.ok(complete('/ip/firewall/filter/<|>').labels.includes('add'));
});

test('commands of the current menu', () => {
  const { labels } = complete('/ip firewall filter\n<|>');
  for (const c of ['add', 'set', 'remove', 'print', 'move']) assert.ok(labels.includes(c), c);
  assert.ok(labels.includes(':foreach'));
  assert.deepEqual(complete(':fo<|>').labels.filter((l) => l.startsWith('fo')), ['for', 'foreach']);
  assert.equal(replaced(':fo<|>', 'foreach'), 'fo');
});

test('property names of the command, without the ones already written', () => {
  const { labels, items } = complete('/ip firewall filter add chain=input <|>');
  assert.ok(labels.includes('action='));
  assert.ok(labels.includes('dst-port='));
  assert.ok(!labels.includes('chain='));
  const action = items.find((i) => i.label === 'action=')!;
  assert.equal(action.documentation, 'Action to undertake if the packet matches the rule');
  // Relative to the menu set on an earlier line.
  assert.ok(complete('/ip firewall filter\nadd <|>').labels.includes('chain='));
  assert.ok(complete('/ip firewall nat\nadd <|>').labels.includes('to-addresses='));
});

test('enum values after `prop=`', () => {
  assert.deepEqual(complete('/ip firewall filter add action=<|>').labels, FILTER_ACTIONS);
  assert.deepEqual(complete('/ip firewall filter\nadd chain=input action=dr<|>').labels, FILTER_ACTIONS);
  assert.equal(replaced('/ip firewall filter add action=dr<|>', 'drop'), 'dr');
  // Comma lists complete the piece after the last comma.
  assert.equal(replaced('/ip firewall filter add connection-state=established,re<|>', 'related'), 're');
  assert.deepEqual(complete('/ip firewall filter add disabled=<|>').labels, ['no', 'yes']);
});

const FILE = `/interface list
add name=WAN
add name=LAN
/ip firewall address-list
add list=secured address=10.0.0.1
add list="my list" address=10.0.0.2
/ip firewall layer7-protocol
add name=pass regexp="^passphrase\\$"
/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=888 protocol=tcp
add chain=input action=jump jump-target=knocking
add chain=knocking action=return
`;

test('address lists defined in the file, also after `!`', () => {
  const labels = complete(`${FILE}add chain=input src-address-list=<|>`).labels;
  assert.deepEqual(labels.slice(0, 3), ['secured', 'my list', 'knock1']);
  assert.deepEqual(complete(`${FILE}add chain=input src-address-list=!<|>`).labels.slice(0, 3), ['secured', 'my list', 'knock1']);
  assert.deepEqual(complete(`${FILE}/ip firewall address-list remove [find list=<|>]`).labels.slice(0, 3), ['secured', 'my list', 'knock1']);
  // ipv6 lists are separate.
  assert.deepEqual(complete(`${FILE}/ipv6 firewall filter add src-address-list=<|>`).labels, []);
});

test('interface lists, chains and layer7 names', () => {
  const ifl = complete(`${FILE}add chain=input in-interface-list=<|>`).labels;
  assert.deepEqual(ifl, ['WAN', 'LAN', 'all', 'dynamic', 'none', 'static']);
  assert.deepEqual(complete(`${FILE}add chain=<|>`).labels, ['input', 'knocking', 'forward', 'output']);
  assert.deepEqual(complete(`${FILE}add action=jump jump-target=<|>`).labels, ['input', 'knocking', 'forward', 'output']);
  assert.deepEqual(complete(`${FILE}add layer7-protocol=<|>`).labels, ['pass']);
});

test('variables after `$`', () => {
  const src = ':global counter 0\n:local name "x"\n:put ($<|>)';
  assert.deepEqual(complete(src).labels, ['counter', 'name']);
  assert.deepEqual(complete(':local abc 1\n:put "value: $a<|>"').labels, ['abc']);
});

test('inside blocks, substitutions and code strings', () => {
  const doBlock = complete(':foreach i in=[/ip firewall filter find] do={\n  /ip firewall filter set $i disabled=<|>\n}');
  assert.deepEqual(doBlock.labels, ['no', 'yes']);
  const relative = complete('/ip firewall filter\n:foreach i in=[find] do={ set $i act<|> }');
  assert.ok(relative.labels.includes('action='));
  const code = complete('/system script add name=x source="/ip firewall filter add action=<|>"');
  assert.deepEqual(code.labels, FILTER_ACTIONS);
  const sched = complete('/system script add name=backup source=":put 1"\n/system scheduler add name=s on-event=<|>');
  assert.deepEqual(sched.labels, ['backup']);
});

test('continuation lines belong to the command', () => {
  const { labels } = complete('/ip firewall filter add chain=input \\\n    action=<|>');
  assert.deepEqual(labels, FILTER_ACTIONS);
});

test('where clauses offer item properties', () => {
  const { labels } = complete('/ip firewall filter print where <|>');
  assert.ok(labels.includes('chain='));
  assert.ok(complete('/ip firewall filter find <|>').labels.includes('where'));
});

test('insert/replace edits cover the rest of the word after the cursor', () => {
  const m = marked('/ip firewall filter add action=dr<|>op chain=input');
  const drop = completion(m.text, m.parse, m.cursor, schema, { insertReplace: true }).find((i) => i.label === 'drop')!;
  assert.deepEqual(drop.textEdit, {
    newText: 'drop',
    insert: { start: { line: 0, character: 31 }, end: { line: 0, character: 33 } },
    replace: { start: { line: 0, character: 31 }, end: { line: 0, character: 35 } },
  });
  // A property name before an existing `=` does not get a second one.
  const p = marked('/ip firewall filter add ac<|>tion=drop');
  const action = completion(p.text, p.parse, p.cursor, schema, { insertReplace: true }).find((i) => i.label === 'action=')!;
  assert.equal((action.textEdit as { newText: string }).newText, 'action');
});

test('the 7.24 table completes too (values borrowed from 7.22)', () => {
  const m = marked('/ip firewall filter add action=<|>');
  assert.deepEqual(completion(m.text, m.parse, m.cursor, loadSchema('7.24')).map((i) => i.label), FILTER_ACTIONS);
});
