// The formatter on snippets: the /export layout (lines from a real RouterOS export come out exactly as
// RouterOS prints them), strings split like /export, blocks, comments, blank lines, options, range
// formatting, and files it must leave alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatRange, formatScript, stringUnits, type FormatOptions } from '../../server/src/format/format';
import { meaningKey } from '../../server/src/format/meaning';
import { parse } from '../../server/src/parser';

function fmt(text: string, options: FormatOptions = {}): string {
  const r = formatScript(text, options);
  assert.equal(r.skipped, undefined, r.skipped);
  assert.equal(meaningKey(r.text), meaningKey(text), 'same meaning');
  assert.equal(formatScript(r.text, options).text, r.text, 'idempotent');
  return r.text;
}

const lines = (...l: string[]) => l.join('\n') + '\n';

test('header lines, relative add, and continuation at 79 columns exactly where /export breaks', () => {
  const src = lines(
    '/interface wireless security-profiles add authentication-types=wpa2-psk mode=dynamic-keys name=sec-home supplicant-identity="" wpa2-pre-shared-key=secret',
    '/ip address add address=10.10.10.1/24 comment="gateway for mgmt" interface=br-mgmt network=10.10.10.0',
    '/ip dhcp-server add address-pool=servers-pool disabled=no interface=vlan20-servers name=dhcp-servers',
  );
  assert.equal(
    fmt(src),
    lines(
      '/interface wireless security-profiles',
      'add authentication-types=wpa2-psk mode=dynamic-keys name=sec-home \\',
      '    supplicant-identity="" wpa2-pre-shared-key=secret',
      '/ip address',
      'add address=10.10.10.1/24 comment="gateway for mgmt" interface=br-mgmt \\',
      '    network=10.10.10.0',
      // /export breaks right after `name=` when the value does not fit
      '/ip dhcp-server',
      'add address-pool=servers-pool disabled=no interface=vlan20-servers name=\\',
      '    dhcp-servers',
    ),
  );
  for (const l of fmt(src).split('\n')) assert.ok(l.length <= 79, l);
});

test('the menu of later relative commands is kept: a header re-establishes it', () => {
  const src = lines('/ip firewall filter', 'add chain=input', '/ip address add address=10.0.0.1/24 interface=ether1', 'add chain=forward');
  assert.equal(
    fmt(src),
    lines('/ip firewall filter', 'add chain=input', '/ip address', 'add address=10.0.0.1/24 interface=ether1', '/ip firewall filter', 'add chain=forward'),
  );
  // a global command without nested code needs no header
  assert.equal(fmt(lines('/ip address add address=10.0.0.1/24', ':put done')), lines('/ip address', 'add address=10.0.0.1/24', ':put done'));
});

test('long strings are split like /export: never inside an escape or $var, \\_ for a leading blank, breaks before \\n', () => {
  const out = fmt(lines(`/system script add name=s source=":local a 5\\r\\n:put \\$a\\r\\n:log info \\"${'x'.repeat(60)} ${'y'.repeat(10)}\\""`));
  assert.equal(
    out,
    lines(
      '/system script',
      'add name=s source=":local a 5\\r\\',
      '    \\n:put \\$a\\r\\',
      `    \\n:log info \\"${'x'.repeat(60)}\\`,
      `    \\_${'y'.repeat(10)}\\""`,
    ),
  );
  assert.equal(parse(out).script.statements.length, 2);
  // escapes and variables stay whole; a plain `$` sticks to what follows
  assert.deepEqual(stringUnits('"a\\C3\\A9$var$"'), ['"a', '\\C3\\A9', '$var', '$"']);
  assert.deepEqual(stringUnits('"ab\\\n    cd"'), ['"a', 'b', 'c', 'd"']);
  assert.equal(stringUnits('"two\nlines"'), null, 'a string with a real line break is kept as written');
});

test('{ } bodies indented 4 spaces, one space between arguments, glued text kept glued', () => {
  const src = lines(':foreach i in=[/ip firewall filter find] do={', ':if ($i   != "") do={', '/ip firewall filter set $i comment=("x".$i)', '    } else={ :put   "no" }', '}');
  assert.equal(
    fmt(src),
    lines(':foreach i in=[/ip firewall filter find] do={', '    :if ($i != "") do={', '        /ip firewall filter set $i comment=("x".$i)', '    } else={ :put "no" }', '}'),
  );
});

test('comments stay where they are; blank line runs collapse; CRLF kept; final newline added', () => {
  assert.equal(
    fmt('\n\n# top\n/ip firewall filter add chain=input   # why\n\n\n\n   # note\nadd chain=forward'),
    // `/ip firewall filter add` did not change the menu: `add chain=forward` ran at the root, and still does
    '# top\n/ip firewall filter\nadd chain=input # why\n\n# note\n/\nadd chain=forward\n',
  );
  assert.equal(fmt('/ip address\r\nadd   address=10.0.0.1/24\r\nadd address=10.0.0.2/24'), '/ip address\r\nadd address=10.0.0.1/24\r\nadd address=10.0.0.2/24\r\n');
});

test('options: path style and width; headers off', () => {
  const src = lines('/ip firewall filter add chain=input', '/ip/firewall/filter add chain=forward', '/ip firewall filter');
  assert.equal(fmt(src, { pathStyle: 'slashed', headers: false }), lines('/ip/firewall/filter add chain=input', '/ip/firewall/filter add chain=forward', '/ip/firewall/filter'));
  assert.equal(fmt(src, { pathStyle: 'spaced', headers: false }), lines('/ip firewall filter add chain=input', '/ip firewall filter add chain=forward', '/ip firewall filter'));
  assert.equal(fmt(src, { pathStyle: 'keep', headers: false }), src);
  // path and verb written as one word stay as written (`/log/print` spaced would read as the command log)
  assert.equal(fmt(lines('/log/print file=x'), { pathStyle: 'spaced', headers: false }), lines('/log/print file=x'));
  const wide = fmt(lines(`/ip firewall filter add ${'comment=abcdefghij '.repeat(8).trim()}`), { width: 40 });
  for (const l of wide.split('\n')) assert.ok(l.length <= 40, l);
});

test('a file with a syntax error is returned unchanged, with the reason', () => {
  const broken = '/ip firewall filter add   chain=input\n:if ($a = 1) do={ :put "x"\n';
  const r = formatScript(broken);
  assert.equal(r.text, broken);
  assert.equal(r.changed, false);
  assert.deepEqual(r.edits, []);
  assert.match(r.skipped ?? '', /^not formatted: syntax error at line 2: /);
});

test('range formatting: only the lines the range touches, no header lines', () => {
  const src = lines('/ip firewall filter add   chain=input', ':put    "a"', ':put    "b"');
  const r = formatRange(src, src.indexOf(':put    "a"') + 2, src.indexOf(':put    "a"') + 3);
  assert.equal(r.text, lines('/ip firewall filter add   chain=input', ':put "a"', ':put    "b"'));
  assert.deepEqual(r.edits, [{ start: src.indexOf(':put    "a"'), end: src.indexOf(':put    "b"'), newText: ':put "a"\n' }]);
});

test('already formatted text: no edits', () => {
  const tidy = lines('/ip firewall filter', 'add chain=input action=drop');
  const r = formatScript(tidy);
  assert.equal(r.changed, false);
  assert.deepEqual(r.edits, []);
});

test('a header never comes between a rsc-lint directive and the command it silences', () => {
  const src = lines('/ip firewall filter', 'add chain=input', '', '# rsc-lint disable=knock-weak-port', '/ip address add address=10.0.0.1/24');
  assert.equal(fmt(src), lines('/ip firewall filter', 'add chain=input', '/ip address', '', '# rsc-lint disable=knock-weak-port', 'add address=10.0.0.1/24'));
  // before the first command the directive covers the whole file: it stays first
  assert.equal(fmt(lines('# rsc-lint disable=all', '/ip address add address=10.0.0.1/24')), lines('# rsc-lint disable=all', '/ip address', 'add address=10.0.0.1/24'));
});
