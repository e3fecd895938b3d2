import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/parser';
import { loadSchema } from '../../server/src/schema';
import { menuAt, walkScript } from '../../server/src/schema/walk';

const schema = loadSchema();

/** `menu verb` of every command, in walk order. */
function menus(text: string): string[] {
  const out: string[] = [];
  walkScript(parse(text).script, schema, {
    command(v) {
      out.push(`${v.menuChange ? '>' : ''}${v.global ? ':' : ''}/${v.menu.join(' ')}${v.verb ? ` ${v.verb}` : ''}`);
    },
  });
  return out;
}

test('bare menu changes set the menu of the relative commands after them', () => {
  assert.deepEqual(menus('/ip firewall filter\nadd chain=input\n.. nat add chain=srcnat\n/ip/firewall/raw/add chain=prerouting\nadd chain=forward'), [
    '>/ip firewall filter',
    '/ip firewall filter add',
    '/ip firewall nat add',
    '/ip firewall raw add',
    '/ip firewall filter add',
  ]);
});

test('blocks keep their menu changes; [find] runs in the command menu; source={} at the root', () => {
  assert.deepEqual(
    menus('/ip firewall filter\n:if (true) do={ /ip firewall nat; add chain=dstnat }\nremove [find]\n/system script add name=x source={ add name=y }\nadd chain=input'),
    [
      '>/ip firewall filter',
      ':/ if',
      '>/ip firewall nat',
      '/ip firewall nat add',
      '/ip firewall filter remove',
      '/ip firewall filter find',
      '/system script add',
      '/ add',
      '/ip firewall filter add',
    ],
  );
});

test('a menu block: `/ip firewall filter { add ... }` runs its commands in that menu', () => {
  const text = '/ip firewall filter {\n  add chain=input\n  \n}\n/ip/firewall/nat { add chain=srcnat }\n';
  assert.deepEqual(menus(text), ['>/ip firewall filter', '/ip firewall filter add', '>/ip firewall nat', '/ip firewall nat add']);
  const p = parse(text);
  assert.deepEqual(menuAt(p.script, schema, text.indexOf('  \n}') + 2), ['ip', 'firewall', 'filter']);
  assert.deepEqual(menuAt(p.script, schema, text.indexOf('add chain=srcnat')), ['ip', 'firewall', 'nat']);
});

test('menuAt: the menu a command typed at an offset would run in', () => {
  const text = '/ip firewall filter\nadd chain=input\n:foreach i in=[find] do={\n  /interface list\n  \n}\n\n';
  const p = parse(text);
  assert.deepEqual(menuAt(p.script, schema, text.indexOf('add')), ['ip', 'firewall', 'filter']);
  const inBlock = text.indexOf('  \n}') + 2;
  assert.deepEqual(menuAt(p.script, schema, inBlock), ['interface', 'list']);
  assert.deepEqual(menuAt(p.script, schema, text.length), ['ip', 'firewall', 'filter']);
  assert.deepEqual(menuAt(p.script, schema, 0), []);
});
