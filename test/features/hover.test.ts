import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../server/src/features/hover';
import { lint } from '../../server/src/lint';
import { loadSchema } from '../../server/src/schema';
import { marked } from './cursor';

const schema = loadSchema('7.22');

function hoverText(src: string): string | undefined {
  const m = marked(src);
  const r = lint(m.text);
  const h = hover(m.text, r, m.cursor, schema);
  if (!h) return undefined;
  return (h.contents as { value: string }).value;
}

test('a property: description, type and values from the command tree', () => {
  assert.equal(
    hoverText('/ip firewall filter add chain=input address-list-time<|>out=30s'),
    [
      '**address-list-timeout**: `/ip firewall filter add`',
      'Time interval after which address remove from address list',
      'type: `0s..35w3d13h13m56s (time interval)`',
      'values: `none-dynamic`, `none-static`',
    ].join('\n\n'),
  );
});

test('a value the router describes', () => {
  const text = hoverText('/ip firewall filter add chain=input protocol=t<|>cp')!;
  assert.match(text, /^\*\*protocol\*\*: `\/ip firewall filter add`\n\nProtocol name or number\n\nmay be negated with `!`\n\nvalues: /);
  assert.match(text, /\n\n`tcp`: transmission control protocol$/);
});

test('a relative command uses the menu set before it', () => {
  assert.match(hoverText('/ip firewall nat\nadd chain=dstnat to-addr<|>esses=10.0.0.1')!, /^\*\*to-addresses\*\*: `\/ip firewall nat add`/);
});

test('an address list name: where it is defined and how often it occurs', () => {
  assert.equal(
    hoverText('/ip firewall address-list add list=secured address=10.0.0.1\n/ip firewall filter add chain=input src-address-list=sec<|>ured action=accept'),
    '**address list `secured` (ip)**: defined on line 1, 2 occurrences',
  );
});

const KNOCK = `/ip firewall filter
add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=7342 in-interface-list=WAN protocol=tcp
add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=tcp src-address-list=knock1
add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=tcp src-address-list=knock2
add action=accept chain=input in-interface-list=WAN src-address-list=secured
add action=drop chain=input in-interface-list=WAN
`;

test('a knock stage: on a property one line about the knock, on the command word the client commands too', () => {
  const onProperty = hoverText(KNOCK.replace('address-list=knock2 address', 'address-list=knock2 addr<|>ess'))!.split('\n\n---\n\n').pop()!;
  assert.equal(onProperty, '**Port knocking**: stage 2 of 3: tcp 7342 -> 4519 -> 9121, 30 s per step, grants `secured` for 30 m (hover the command word for the client commands)');
  const stage2 = KNOCK.indexOf('address-list=knock2 address');
  const addAt = KNOCK.lastIndexOf('add ', stage2);
  const text = hoverText(KNOCK.slice(0, addAt) + 'a<|>dd ' + KNOCK.slice(addAt + 4))!;
  const knock = text.split('\n\n---\n\n').pop()!;
  assert.equal(
    knock,
    [
      '**Port knocking**: stage 2 of 3: tcp 7342 -> 4519 -> 9121, 30 s per step, grants `secured` for 30 m',
      "Knock from a client (replace HOST with the router's address):",
      'bash (nmap):\n```sh\nnmap -Pn -p 7342 --max-retries 0 HOST; nmap -Pn -p 4519 --max-retries 0 HOST; nmap -Pn -p 9121 --max-retries 0 HOST\n```',
      'PowerShell:\n```powershell\n' +
        [7342, 4519, 9121].map((p) => `Test-NetConnection HOST -Port ${p} -InformationLevel Quiet -WarningAction SilentlyContinue | Out-Null`).join('; ') +
        '\n```',
      'knock (knockd client):\n```sh\nknock HOST 7342 4519 9121\n```',
    ].join('\n\n'),
  );
  // On the accept rule.
  assert.match(hoverText(KNOCK.replace('add action=accept', 'add act<|>ion=accept'))!, /\*\*Port knocking\*\*: admits clients that completed tcp 7342 -> 4519 -> 9121/);
  // Not on the drop rule.
  assert.doesNotMatch(hoverText(KNOCK.replace('add action=drop', 'add act<|>ion=drop'))!, /Port knocking/);
});

test('nothing to say', () => {
  assert.equal(hoverText(':put "hel<|>lo"'), undefined);
});
