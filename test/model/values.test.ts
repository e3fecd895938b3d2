import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatSeconds,
  normalizeProtocol,
  parseAddress,
  parseNumberRange,
  parsePortSet,
  parseTimeout,
  portSetProblems,
  portsOf,
} from '../../server/src/model/values';

test('port sets: single ports, lists, ranges', () => {
  assert.deepEqual(parsePortSet('888'), [[888, 888]]);
  assert.deepEqual(parsePortSet('21,22,23,8291,10000-60000'), [[21, 21], [22, 22], [23, 23], [8291, 8291], [10000, 60000]]);
  assert.deepEqual(parsePortSet('2000-1000'), [[1000, 2000]]);
  assert.equal(parsePortSet('ssh'), undefined);
  assert.equal(parsePortSet('1,,2'), undefined);
  assert.equal(parsePortSet(''), undefined);
  assert.deepEqual(parsePortSet('70000'), [[70000, 70000]]);
});

test('port set problems name the bad item', () => {
  assert.deepEqual(portSetProblems('22,80'), []);
  assert.deepEqual(portSetProblems('70000'), ['port 70000 is above 65535']);
  assert.deepEqual(portSetProblems('!1,x'), ['"x" is not a port or a port range']);
  assert.deepEqual(portsOf([[5, 7], [6, 6], [1, 100000]]), [5, 6, 7]);
});

test('durations in every RouterOS spelling', () => {
  assert.equal(parseTimeout('30s'), 30);
  assert.equal(parseTimeout('30m'), 1800);
  assert.equal(parseTimeout('1m30s'), 90);
  assert.equal(parseTimeout('1000m'), 60000);
  assert.equal(parseTimeout('4w2d'), 4 * 604800 + 2 * 86400);
  assert.equal(parseTimeout('1w3d'), 604800 + 3 * 86400);
  assert.equal(parseTimeout('00:30:00'), 1800);
  assert.equal(parseTimeout('1d 02:00:00'), 86400 + 7200);
  assert.equal(parseTimeout('500ms'), 0.5);
  assert.equal(parseTimeout('45'), 45);
  assert.equal(parseTimeout('none-dynamic'), 'none-dynamic');
  assert.equal(parseTimeout('soon'), undefined);
  assert.equal(parseTimeout('30x'), undefined);
  assert.equal(formatSeconds(90), '1m30s');
  assert.equal(formatSeconds(1800), '30m');
});

test('addresses: IPv4/IPv6 hosts, prefixes and ranges', () => {
  assert.deepEqual(parseAddress('10.0.0.0/8'), { v6: false, lo: 0x0a000000n, hi: 0x0affffffn });
  assert.deepEqual(parseAddress('192.168.1.7'), { v6: false, lo: 0xc0a80107n, hi: 0xc0a80107n });
  assert.deepEqual(parseAddress('10.0.0.9-10.0.0.1'), { v6: false, lo: 0x0a000001n, hi: 0x0a000009n });
  const v6 = parseAddress('2001:db8::/32')!;
  assert.equal(v6.v6, true);
  assert.equal(v6.lo, 0x20010db8n << 96n);
  assert.equal(v6.hi, (0x20010db8n << 96n) | ((1n << 96n) - 1n));
  assert.equal(parseAddress('::1')!.lo, 1n);
  assert.equal(parseAddress('::ffff:1.2.3.4')!.lo, (0xffffn << 32n) | 0x01020304n);
  assert.equal(parseAddress('d99.sn.mynetname.net'), undefined);
  assert.equal(parseAddress('10.0.0.300'), undefined);
  assert.equal(parseAddress('10.0.0.0/33'), undefined);
});

test('protocol numbers and packet sizes', () => {
  assert.equal(normalizeProtocol('6'), 'tcp');
  assert.equal(normalizeProtocol('UDP'), 'udp');
  assert.equal(normalizeProtocol('ospf'), 'ospf');
  assert.deepEqual(parseNumberRange('100-200'), [100, 200]);
  assert.deepEqual(parseNumberRange('64'), [64, 64]);
  assert.equal(parseNumberRange('big'), undefined);
});
