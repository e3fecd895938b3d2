import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lint } from '../../server/src/lint';
import { versionMismatch } from '../../server/src/rules/version-mismatch';
import { ruleTester } from './tester';

ruleTester(versionMismatch, {
  valid: [
    versionMismatch.examples.good,
    { name: 'no header: the newest version has tos', code: '/ip firewall filter add chain=forward tos=4\n' },
    { name: '7.16 still has /system upgrade', code: '# by RouterOS 7.16.2\n/system upgrade refresh\n' },
    { name: 'global commands are not judged', code: '# by RouterOS 7.9.2\n:put [:convert "a" to=hex]\n/ping 1.1.1.1 count=1\n' },
  ],
  invalid: [
    {
      name: 'meta example: tos before 7.21 (header target)',
      code: versionMismatch.examples.bad,
      errors: [{ line: 2, column: 39, message: /"tos" \(\/ip firewall filter add\) is in RouterOS 7.21 and later; the target is 7.16.2 \(the \/export header\)/ }],
      output: null,
    },
    {
      name: 'hw-offload was removed in 7.21',
      code: '# by RouterOS 7.22.1\n/ip firewall filter add chain=forward hw-offload=yes action=fasttrack-connection\n',
      errors: [{ line: 2, column: 39, message: /"hw-offload" .* was removed in RouterOS 7.21/ }],
    },
    {
      name: '/system upgrade was replaced by /system package local-update in 7.17 (rename fix)',
      code: '# by RouterOS 7.18.2\n/system upgrade refresh\n',
      errors: [{ line: 2, column: 2, message: /\/system upgrade was replaced by \/system package local-update in RouterOS 7.17/ }],
      safe: false,
      output: '# by RouterOS 7.18.2\n/system package local-update refresh\n',
    },
    {
      name: 'a renamed property gets a rename fix (is-responder -> responder in 7.17)',
      code: '# by RouterOS 7.20.1\n/interface wireguard peers add interface=wg0 public-key="x" is-responder=yes\n',
      errors: [{ line: 2, column: 61, message: /was replaced by "responder"/ }],
      output: '# by RouterOS 7.20.1\n/interface wireguard peers add interface=wg0 public-key="x" responder=yes\n',
    },
  ],
});

test('a RouterOS 6 file: said once, at info (header, or v6-only syntax without one)', () => {
  const h = lint('# jan/02/1970 00:00:00 by RouterOS 6.49.7\n/ip address add address=1.1.1.1/24 interface=ether1\n').findings.filter((f) => f.rule === 'version-mismatch');
  assert.equal(h.length, 1);
  assert.equal(h[0].severity, 'info');
  assert.equal(h[0].range.start.line, 0);
  assert.match(h[0].message, /RouterOS 6 file .*property, value and version checks are off/);
  const s = lint('/routing bgp peer add name=p remote-address=1.1.1.1 remote-as=65000\n').findings.filter((f) => f.rule === 'version-mismatch');
  assert.equal(s.length, 1);
  assert.equal(s[0].severity, 'info');
  assert.match(s[0].message, /\/routing bgp peer` exists only in RouterOS 6/);
  // a v6-only property on a menu v7 kept, also inside stored code
  const p = lint('/system scheduler add name=s on-event="/tool fetch url=http://x http-content-type=text/plain"\n/ip route add gateway=1.1.1.1 routing-mark=vpn\n').findings;
  assert.deepEqual(p.map((f) => `${f.rule} ${f.severity}`), ['version-mismatch info']);
});

test('the target setting wins over the header; removed items against the default target are warnings', () => {
  const withSetting = lint('# by RouterOS 7.22.1\n/ip firewall filter add chain=forward tos=4\n', { env: { targetVersion: '7.16' } }).findings;
  const vm = withSetting.filter((f) => f.rule === 'version-mismatch');
  assert.equal(vm.length, 1);
  assert.equal(vm[0].severity, 'error');
  assert.match(vm[0].message, /the target is 7.16 \(--target \/ routeros.targetVersion\)/);
  const byDefault = lint('/ip firewall filter add chain=forward hw-offload=yes\n').findings.filter((f) => f.rule === 'version-mismatch');
  assert.equal(byDefault.length, 1);
  assert.equal(byDefault[0].severity, 'warning');
  const v6 = lint('/ip address add interface=ether1\n', { env: { targetVersion: '6.49' } }).findings;
  assert.equal(v6.filter((f) => f.rule === 'missing-required').length, 0);
  assert.equal(v6.filter((f) => f.rule === 'version-mismatch')[0].severity, 'info');
});
