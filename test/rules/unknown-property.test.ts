import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { unknownProperty } from '../../server/src/rules/unknown-property';
import { ruleTester } from './tester';

// Golden lines: RouterOS 7 answers the bad ones with "expected end of command" on import.
ruleTester(unknownProperty, {
  valid: [
    unknownProperty.examples.good,
    { name: 'generic properties every command takes', code: '/ip address add address=10.0.0.1/24 interface=ether1 comment=x disabled=no\n/ip firewall filter add chain=input place-before=0\n' },
    { name: 'selectors, positional values and where', code: '/ip firewall filter set [find comment=x] disabled=yes\n/ip firewall filter print where chain=input\n/interface set ether1 mtu=1500\n' },
    { name: 'computed names are not judged', code: ':local p "chain"\n/ip firewall filter add $p=input\n' },
    { name: 'extra package menus (wireless, container)', code: '/interface wireless set wlan1 ssid=x\n/container add remote-image=alpine interface=veth1\n' },
    { name: 'a RouterOS 6 export is not judged', code: '# jan/02/1970 00:00:00 by RouterOS 6.49.7\n/ip route add dst-address=0.0.0.0/0 gateway=1.1.1.1 routing-mark=x bogus=1\n' },
    { name: 'hardware menus the CHR tree lacks', code: '/interface ethernet set ether2 poe-out=off\n' },
    { name: 'a property of another version is version-mismatch, not this', code: '# by RouterOS 7.16.2\n/ip firewall filter add chain=forward tos=4\n' },
  ],
  invalid: [
    {
      name: 'meta example: a misspelled property with one close name',
      code: unknownProperty.examples.bad,
      errors: [{ line: 1, column: 25, message: /unknown property "chian" for \/ip firewall filter add \(did you mean "chain"\?\)/ }],
      safe: false,
      output: '/ip firewall filter add chain=input action=drop\n',
    },
    {
      name: 'a property the menu does not have, in a section',
      code: '/ip firewall filter\nadd chain=input bogus-prop=1 action=drop\n',
      errors: [{ line: 2, column: 17, message: /unknown property "bogus-prop"/ }],
      output: null,
    },
    {
      name: 'dst-port on an address-list entry',
      code: '/ip firewall address-list add list=x address=1.2.3.4 dst-port=22\n',
      errors: [{ line: 1, column: 54 }],
    },
    {
      name: 'an ambiguous prefix is an error, as on the router',
      code: '/ip firewall filter add chain=input src=1.2.3.4\n',
      errors: [{ line: 1, column: 37, message: /ambiguous property "src"/ }],
      output: null,
    },
    {
      name: 'inside source= code, with positions in the file',
      code: '/system scheduler add name=s interval=1m on-event="/ip firewall filter add chain=input bogus=1"\n',
      errors: [{ line: 1, column: 88 }],
    },
  ],
});

test('an unambiguous prefix is accepted: only a hint, with a safe fix that spells it out', () => {
  const f = lint('/ip address add addr=10.0.0.1/24 interface=ether1\n').findings.filter((x) => x.rule === 'unknown-property');
  assert.equal(f.length, 1);
  assert.equal(f[0].severity, 'hint');
  assert.match(f[0].message, /"addr" is short for "address"/);
  assert.equal(f[0].fixes?.[0].safe, true);
});

test('the target from the setting: 7.16 has no tos, so it is a version matter, never unknown', () => {
  const f = lint('/ip firewall filter add chain=forward tos=4\n', { env: { targetVersion: '7.16' } }).findings;
  assert.deepEqual(f.filter((x) => x.rule === 'unknown-property'), []);
  assert.equal(f.filter((x) => x.rule === 'version-mismatch').length, 1);
});
