// model/services.ts (the /ip service state a script leaves) and model/wan.ts (what the WAN is).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import { servicesOf, servicesOnPort } from '../../server/src/model/services';
import { defaultRouteInterfaces, wanOf } from '../../server/src/model/wan';
import { rsc } from './helpers';

function services(text: string) {
  return servicesOf(parse(text).script, text);
}

function wan(text: string, env = {}) {
  const p = parse(text);
  return wanOf(buildModel(p, text), p.script, text, env);
}

test('services keep RouterOS defaults when the script says nothing', () => {
  const s = services('/ip firewall filter add chain=input action=drop\n');
  assert.equal(s.get('ssh')?.port, 22);
  assert.equal(s.get('ssh')?.disabled, false);
  assert.equal(s.get('www-ssl')?.disabled, true);
  assert.deepEqual(s.get('winbox')?.address, []);
  assert.deepEqual(servicesOnPort(parse('').script, '', 8291).open.map((x) => x.name), ['winbox']);
  assert.deepEqual(servicesOnPort(parse('').script, '', 443).open, []);
});

test('set by name, by list, by [find name=], disable/enable, port and address', () => {
  const text = rsc(
    '/ip service',
    'set telnet disabled=yes',
    'set ftp,www disabled=yes',
    'set [ find name=ssh ] port=2222 address=192.168.88.0/24',
    '/ip service set winbox address=0.0.0.0/0',
    '/ip service disable api',
    '/ip service set www-ssl disabled=no certificate=c',
  );
  const s = services(text);
  assert.equal(s.get('telnet')?.disabled, true);
  assert.equal(s.get('ftp')?.disabled, true);
  assert.equal(s.get('www')?.disabled, true);
  assert.equal(s.get('ssh')?.port, 2222);
  assert.deepEqual(s.get('ssh')?.address, ['192.168.88.0/24']);
  assert.deepEqual(s.get('winbox')?.address, []);
  assert.equal(s.get('api')?.disabled, true);
  assert.equal(s.get('www-ssl')?.disabled, false);
  const p = parse(text).script;
  assert.deepEqual(servicesOnPort(p, text, 22).open, []);
  assert.deepEqual(servicesOnPort(p, text, 2222).open, []); // limited by address=
  assert.deepEqual(servicesOnPort(p, text, 443).open.map((x) => x.name), ['www-ssl']);
});

test('uncertain changes make the field unknown', () => {
  const text = rsc(':if ($x) do={ /ip service set ssh disabled=yes }', '/ip service set winbox address=$allowed', '/ip service set [find name~"api"] disabled=yes');
  const s = services(text);
  assert.equal(s.get('ssh')?.disabled, 'unknown');
  assert.equal(s.get('winbox')?.address, 'unknown');
  assert.equal(s.get('api')?.disabled, 'unknown');
  assert.equal(s.get('ftp')?.disabled, 'unknown');
  const p = parse(text).script;
  assert.deepEqual(servicesOnPort(p, text, 22).open, []);
  assert.deepEqual(servicesOnPort(p, text, 22).maybe.map((x) => x.name), ['ssh']);
});

test('WAN: settings first, then a list named WAN', () => {
  const text = rsc('/interface list add name=WAN', '/interface list add name=LAN', '/ip route add gateway=ether9');
  assert.deepEqual(wan(text, { wanLists: ['uplinks'] }).lists, ['uplinks']);
  assert.equal(wan(text, { wanLists: ['uplinks'] }).basis, 'env');
  const w = wan(text);
  assert.equal(w.basis, 'list');
  assert.deepEqual(w.lists, ['WAN']);
  assert.match(w.describe, /interface list "WAN"/);
});

test('WAN: the default route\'s interface', () => {
  assert.deepEqual(defaultRouteInterfaces(parse('/ip route add gateway=pppoe-out1\n').script, ''), ['pppoe-out1']);
  assert.deepEqual(defaultRouteInterfaces(parse('/ip route add dst-address=0.0.0.0/0 gateway=10.1.1.1%ether2\n').script, ''), ['ether2']);
  const viaAddr = rsc('/ip address add address=203.0.113.2/29 interface=ether1', '/ip route add dst-address=0.0.0.0/0 gateway=203.0.113.1');
  assert.deepEqual(defaultRouteInterfaces(parse(viaAddr).script, viaAddr), ['ether1']);
  assert.deepEqual(defaultRouteInterfaces(parse('/ip dhcp-client add interface=ether1\n').script, ''), ['ether1']);
  assert.deepEqual(defaultRouteInterfaces(parse('/ip dhcp-client add interface=ether1 add-default-route=no\n').script, ''), []);
  assert.deepEqual(defaultRouteInterfaces(parse('/interface pppoe-client add interface=ether1 name=isp add-default-route=yes user=u\n').script, ''), ['isp']);
  assert.deepEqual(defaultRouteInterfaces(parse('/ip route add dst-address=10.0.0.0/8 gateway=ether3\n').script, ''), []);
  assert.deepEqual(defaultRouteInterfaces(parse('/ip route add gateway=ether3 routing-table=vpn\n').script, ''), []);
  assert.deepEqual(defaultRouteInterfaces(parse(':if ($x) do={ /ip route add gateway=ether3 }\n').script, ''), []);
  const w = wan('/ip route add gateway=ether1\n/interface list add name=LAN\n');
  assert.equal(w.basis, 'route');
  assert.deepEqual(w.interfaces, ['ether1']);
  assert.match(w.describe, /default route/);
});

test('WAN: every interface not in LAN, then every interface', () => {
  const w = wan('/interface list add name=LAN\n/ip firewall filter add chain=input action=drop in-interface-list=!LAN\n');
  assert.equal(w.basis, 'not-lan');
  assert.deepEqual(w.lanLists, ['LAN']);
  assert.equal(wan('/ip firewall filter add chain=input action=drop\n', { lanLists: ['inside'] }).basis, 'not-lan');
  const all = wan('/ip firewall filter add chain=input action=drop\n');
  assert.equal(all.basis, 'all');
  assert.match(all.describe, /every interface/);
});
