import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definition, documentHighlights, prepareRename, references, rename } from '../../server/src/features/navigation';
import { loadSchema } from '../../server/src/schema';
import { marked, textOf } from './cursor';

const schema = loadSchema('7.22');

function refsText(src: string): string[] {
  const m = marked(src);
  return references(m.text, m.parse, m.cursor, schema).map((r) => `${r.start.line}:${r.start.character}:${textOf(m.text, r)}`);
}

function applyRename(src: string, newName: string): string {
  const m = marked(src);
  const r = rename(m.text, m.parse, m.cursor, newName, schema);
  assert.ok('edits' in r, 'error' in r ? r.error : '');
  // Apply from the end so earlier ranges stay valid.
  const lines = m.text.split('\n');
  const edits = [...r.edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character);
  for (const e of edits) {
    assert.equal(e.range.start.line, e.range.end.line);
    const l = lines[e.range.start.line];
    lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
  }
  return lines.join('\n');
}

const KNOCK = `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=888 protocol=tcp
add chain=input action=add-src-to-address-list address-list=secured dst-port=555 protocol=tcp src-address-list=knock1
add chain=input action=accept src-address-list=secured
add chain=input action=drop src-address-list=!secured in-interface-list=WAN
/ip firewall address-list
add list="secured" address=10.0.0.1
add list=securedX address=10.0.0.9
/ipv6 firewall filter
add chain=input src-address-list=secured action=accept
`;

test('references of an address list: plain, negated, quoted; not partial matches or ipv6', () => {
  const src = KNOCK.replace('action=accept src-address-list=secured', 'action=accept src-address-list=sec<|>ured');
  assert.deepEqual(refsText(src), [
    '2:60:secured',
    '3:47:secured',
    '4:46:secured',
    '6:10:secured',
  ]);
});

test('definition of an address list: the rules and entries that fill it', () => {
  const m = marked(KNOCK.replace('src-address-list=knock1', 'src-address-list=kno<|>ck1'));
  assert.deepEqual(definition(m.text, m.parse, m.cursor, schema).map((r) => [r.start.line, r.start.character]), [[1, 60]]);
});

test('rename an address list everywhere, keeping `!` and quotes', () => {
  const out = applyRename(KNOCK.replace('src-address-list=!secured', 'src-address-list=!secu<|>red'), 'trusted');
  assert.equal(
    out,
    KNOCK.replace(/address-list=secured/g, 'address-list=trusted')
      .replace('!secured', '!trusted')
      .replace('list="secured"', 'list="trusted"')
      .replace('add chain=input src-address-list=trusted action=accept', 'add chain=input src-address-list=secured action=accept'),
  );
  // A name with a space gets quotes where it was bare.
  const spaced = applyRename('/ip firewall filter\nadd src-address-list=!a<|>b\n/ip firewall address-list add list="ab"', 'my list');
  assert.equal(spaced, '/ip firewall filter\nadd src-address-list=!"my list"\n/ip firewall address-list add list="my list"');
});

test('chains: jump targets and rules of the chain; builtin chains cannot be renamed', () => {
  const src = '/ip firewall filter\nadd chain=input action=jump jump-target=kno<|>cking\nadd chain=knocking action=return\n/ip firewall nat\nadd chain=knocking action=accept';
  assert.deepEqual(refsText(src), ['1:40:knocking', '2:10:knocking']);
  const m = marked(src);
  assert.deepEqual(definition(m.text, m.parse, m.cursor, schema).map((r) => r.start.line), [2]);
  assert.equal(applyRename(src, 'kn').split('\n')[2], 'add chain=kn action=return');
  const builtin = marked('/ip firewall filter\nadd chain=inp<|>ut action=accept');
  assert.deepEqual(prepareRename(builtin.text, builtin.parse, builtin.cursor, schema), {
    error: '`input` is built into RouterOS and cannot be renamed.',
  });
});

test('interface lists: definition, members, rule matches, include lists', () => {
  const src = `/interface list
add name=WAN
add name=ALL include=WAN,LAN
/interface list member
add list=WAN interface=ether1
/ip firewall filter
add chain=input in-interface-list=W<|>AN action=drop
/ip neighbor discovery-settings set discover-interface-list=WAN
`;
  assert.deepEqual(refsText(src), ['1:9:WAN', '2:21:WAN', '4:9:WAN', '6:34:WAN', '7:60:WAN']);
  const m = marked(src);
  assert.deepEqual(definition(m.text, m.parse, m.cursor, schema).map((r) => r.start.line), [1]);
});

test('layer7 protocols', () => {
  const src = '/ip firewall layer7-protocol add name=pass regexp="^x\\$"\n/ip firewall filter add chain=input layer7-protocol=pa<|>ss';
  assert.deepEqual(refsText(src), ['0:38:pass', '1:52:pass']);
});

test('variables: locals are scoped, globals shared, `$x` in strings found', () => {
  const src = `:global count 0
:local x 1
:if (true) do={
  :local x 2
  :put "inner $x"
}
:put $<|>x
:set count ($count + 1)
`;
  assert.deepEqual(refsText(src), ['1:7:x', '6:6:x']);
  const inner = src.replace('<|>', '').replace('"inner $x"', '"inner $<|>x"');
  assert.deepEqual(refsText(inner), ['3:9:x', '4:15:x']);
  const g = src.replace('<|>', '').replace(':set count', ':set co<|>unt');
  assert.deepEqual(refsText(g), ['0:8:count', '7:5:count', '7:13:count']);
  assert.equal(applyRename(g, 'total').split('\n')[7], ':set total ($total + 1)');
  const m = marked(g);
  const r = rename(m.text, m.parse, m.cursor, 'bad name', schema);
  assert.ok('error' in r);
});

test('highlights mark definitions as writes', () => {
  const m = marked('/ip firewall address-list add list=bl<|>ock address=1.2.3.4\n/ip firewall filter add chain=input src-address-list=block action=drop');
  assert.deepEqual(documentHighlights(m.text, m.parse, m.cursor, schema).map((h) => [h.range.start.line, h.kind]), [[0, 3], [1, 2]]);
});

test('no name under the cursor', () => {
  const m = marked('/ip firewall filter add ch<|>ain=input');
  assert.deepEqual(references(m.text, m.parse, m.cursor, schema), []);
  assert.ok('error' in prepareRename(m.text, m.parse, m.cursor, schema));
});

test('names inside code strings, where escapes shift positions', () => {
  const src = '/system script add name=s source=":local total 0\\r\\n:set total (\\$tot<|>al + 1)\\r\\n/ip firewall filter add chain=input src-address-list=\\"blocked\\" action=drop"\n/ip firewall address-list add list=blocked address=1.2.3.4';
  assert.deepEqual(refsText(src), ['0:41:total', '0:57:total', '0:66:total']);
  const lists = src.replace('<|>', '').replace('list=blocked', 'list=bl<|>ocked');
  assert.deepEqual(refsText(lists), ['0:135:blocked', '1:35:blocked']);
  assert.equal(
    applyRename(lists, 'deny'),
    src.replace('<|>', '').replace(/blocked/g, 'deny'),
  );
});

test('scripts: run, scheduler on-event and find name= refer to the script', () => {
  const src = '/system script add name=back<|>up source=":put 1"\n/system scheduler add name=nightly on-event=backup interval=1d\n/system script run backup\n:put [/system script find name="backup"]';
  assert.deepEqual(refsText(src), ['0:24:backup', '1:44:backup', '2:19:backup', '3:32:backup']);
  assert.equal(applyRename(src, 'save'), src.replace('<|>', '').replace(/backup/g, 'save'));
});
