import { wanInputOpen } from '../../server/src/rules/wan-input-open';
import { ruleTester } from './tester';
import { script } from './fixtures';

const LISTS = '/interface list add name=WAN\n/interface list add name=LAN\n/interface list member add interface=ether1 list=WAN\n/interface list member add interface=bridge list=LAN\n';
const EST = 'chain=input action=accept connection-state=established,related';
const INV = 'chain=input action=drop connection-state=invalid';
const DEFCONF6 = [
  'chain=input action=accept connection-state=established,related,untracked',
  'chain=input action=drop connection-state=invalid',
  'chain=input action=accept protocol=icmpv6',
  'chain=input action=drop in-interface-list=!LAN',
];

ruleTester(wanInputOpen, {
  valid: [
    wanInputOpen.examples.good,
    { name: 'defconf: drop all not coming from LAN', code: LISTS + script([EST, INV, 'chain=input action=accept protocol=icmp', 'chain=input action=drop in-interface-list=!LAN'], 'export') },
    { name: 'IPv6 defconf', code: LISTS + script(DEFCONF6, 'export', 'ipv6 firewall filter') },
    { name: 'the default route\'s interface dropped', code: '/ip route add gateway=ether1\n' + script([EST, 'chain=input action=drop in-interface=ether1'], 'export') },
    { name: 'a drop of everything at the end', code: script([EST, 'chain=input action=accept in-interface=bridge', 'chain=input action=drop'], 'export') },
    { name: 'only admins\' addresses pass the drop', code: LISTS + script([EST, 'chain=input action=drop in-interface-list=WAN src-address-list=!admins'], 'export') },
    { name: 'closed through a from-wan chain that ends in a drop', code: LISTS + script([EST, 'chain=input action=jump jump-target=from-wan in-interface-list=WAN', 'chain=from-wan action=accept protocol=icmp', 'chain=from-wan action=drop'], 'export') },
    { name: 'only accepts for services (a snippet for an existing firewall)', code: script(['chain=input action=accept protocol=udp dst-port=500,4500,1701', 'chain=input action=accept protocol=ipsec-esp'], 'export') },
    { name: 'the named WAN interface is dropped; only interfaces the script never names are left', code: LISTS + script([EST, 'chain=input action=drop in-interface=ether1'], 'export') },
    { name: 'no WAN named, but the script drops its uplink list (the WAN it has in mind)', code: script(['chain=input action=accept connection-state=established,related', 'chain=input action=drop in-interface-list=internet'], 'export', 'ipv6 firewall filter') },
    { name: 'no WAN named, the script drops one interface', code: script([EST, 'chain=input action=drop in-interface=ether1'], 'export') },
    { name: 'a blacklist snippet (no established accept, no policy drop)', code: LISTS + script(['chain=input action=drop src-address-list=port_scanners', 'chain=input action=jump jump-target=scan in-interface-list=WAN', 'chain=scan action=add-src-to-address-list address-list=port_scanners address-list-timeout=1d protocol=tcp psd=21,3s,3,1'], 'export') },
    { name: 'a snippet protecting a few ports', code: LISTS + script(['chain=input action=drop in-interface-list=WAN protocol=tcp dst-port=21,22,23,8291'], 'export') },
    { name: 'no input rules (forward only)', code: LISTS + script(['chain=forward action=drop in-interface-list=WAN connection-state=new'], 'export') },
    { name: 'a table the script only partly shows', code: LISTS + '/ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 place-before=[find comment="defconf: drop all not coming from LAN"]\n' },
    { name: 'the drop inside :if', code: LISTS + '/ip firewall filter add chain=input action=accept connection-state=established\n:if ($x) do={ /ip firewall filter add chain=input action=drop in-interface-list=WAN }\n' },
  ],
  invalid: [
    { name: 'meta example: only TCP dropped', code: wanInputOpen.examples.bad, errors: [{ line: 8, column: 1, message: /new IPv4 connections from the WAN .*: every protocol except tcp left open \(the WAN is interface list "WAN"\)/ }], output: null },
    {
      name: 'defconf without its last drop',
      code: LISTS + script([EST, INV, 'chain=input action=accept protocol=icmp'], 'export'),
      errors: [{ line: 8, message: /every protocol except icmp left open/ }],
    },
    {
      name: 'a drop that misses UDP ports',
      code: LISTS + script([EST, 'chain=input action=drop in-interface-list=WAN protocol=tcp', 'chain=input action=drop in-interface-list=WAN protocol=udp dst-port=0-1023', 'chain=input action=drop in-interface-list=WAN protocol=!udp'], 'export'),
      errors: [{ line: 9, message: /udp ports 1024-65535 left open/ }],
    },
    {
      name: 'IPv6 open while IPv4 is closed',
      code: LISTS + script([EST, 'chain=input action=drop in-interface-list=!LAN'], 'export') + script(['chain=input action=accept connection-state=established,related', 'chain=input action=accept protocol=icmpv6'], 'export', 'ipv6 firewall filter'),
      errors: [{ line: 10, message: /new IPv6 connections .* every protocol except icmpv6 left open/ }],
    },
    {
      name: 'WAN from the default route; the drop names another interface',
      code: '/ip route add gateway=ether1\n' + script([EST, 'chain=input action=drop in-interface=ether2'], 'export'),
      errors: [{ line: 4, message: /every protocol and port left open \(the WAN is taken to be interface "ether1", the default route's/ }],
    },
    {
      name: 'no WAN list: every interface not in LAN',
      code: '/interface list add name=LAN\n' + script([EST, 'chain=input action=accept in-interface-list=LAN'], 'export'),
      errors: [{ line: 4, message: /every interface not in interface list "LAN"/ }],
    },
  ],
});
