// rsc-lint diff's report (features/firewallDiff.ts over semantics/diff.ts): real scripts in, the exact
// text a person reads out. Reorder-only changes nothing; widened, narrowed, both; ports and address
// lists merged; IPv6; a rule inside :if is a "may"; an exhausted budget proves nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import { diffText, firewallDiff } from '../../server/src/features/firewallDiff';
import type { DiffOptions } from '../../server/src/semantics/diff';

const inp = (name: string, t: string) => {
  const p = parse(t);
  return { name, text: t, parse: p, model: buildModel(p, t) };
};
function check(title: string, expected: string, a: string, b: string, o: DiffOptions = {}): void {
  test(`diff: ${title}`, () => {
    assert.equal(diffText(firewallDiff(inp('old.rsc', a), inp('new.rsc', b), o)), expected);
  });
}

const LISTS = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add list=WAN interface=ether1
/interface list member add list=LAN interface=bridge
`;
const BASE = LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related comment="established"
add chain=input action=drop connection-state=invalid comment="invalid"
add chain=input action=accept protocol=icmp comment="icmp"
add chain=input action=accept in-interface-list=LAN comment="from LAN"
add chain=input action=drop comment="drop the rest"
`;
check('reorder', `old.rsc -> new.rsc: no change (every packet gets the same verdict)
`, BASE, LISTS + `/ip firewall filter
add chain=input action=drop connection-state=invalid comment="invalid"
add chain=input action=accept in-interface-list=LAN comment="from LAN"
add chain=input action=accept connection-state=established,related comment="established"
add chain=input action=accept protocol=icmp comment="icmp"
add chain=input action=drop comment="drop the rest"
`);
check('reorder-move', `old.rsc -> new.rsc: 1 change, 1 newly refused
input  from LAN  all but icmp connection-state=new  accept (rule 3 "from LAN", old.rsc:9) -> drop (rule 3 "drop the rest", new.rsc:9)
WAN: the WAN is interface list "WAN"
`, BASE, LISTS + `/ip firewall filter
add chain=input action=accept connection-state=established,related comment="established"
add chain=input action=drop connection-state=invalid comment="invalid"
add chain=input action=accept protocol=icmp comment="icmp"
add chain=input action=drop comment="drop the rest"
add chain=input action=accept in-interface-list=LAN comment="from LAN"
`);
check('widened', `old.rsc -> new.rsc: 1 change, 1 newly accepted (1 from WAN)
input  from WAN+other  tcp 8291 connection-state=new  drop (rule 4 "drop the rest", old.rsc:10) -> accept (rule 4 "winbox", new.rsc:10)
WAN: the WAN is interface list "WAN"
`, BASE, BASE.replace('add chain=input action=drop comment="drop the rest"', 'add chain=input action=accept protocol=tcp dst-port=8291 comment="winbox"\nadd chain=input action=drop comment="drop the rest"'));
check('narrowed', `old.rsc -> new.rsc: 1 change, 1 newly refused
input  from WAN+other  icmp connection-state=new  accept (rule 2 "icmp", old.rsc:8) -> drop (rule 3 "drop the rest", new.rsc:9)
WAN: the WAN is interface list "WAN"
`, BASE, BASE.replace('add chain=input action=accept protocol=icmp comment="icmp"\n', ''));
check('both', `old.rsc -> new.rsc: 2 changes, 1 newly accepted (1 from WAN), 1 newly refused
input  from WAN+other  icmp connection-state=new        accept (rule 2 "icmp", old.rsc:8) -> drop (rule 4 "drop the rest", new.rsc:10)
input  from WAN+other  udp 53,123 connection-state=new  drop (rule 4 "drop the rest", old.rsc:10) -> accept (rule 2 "dns ntp", new.rsc:8)
WAN: the WAN is interface list "WAN"
`, BASE, BASE.replace('add chain=input action=accept protocol=icmp comment="icmp"\n', 'add chain=input action=accept protocol=udp dst-port=53,123 comment="dns ntp"\n'));
check('lists', `old.rsc -> new.rsc: 2 changes, 2 newly accepted (2 from WAN)
input  from WAN+other  tcp 22,8291 src 192.0.2.0/24,198.51.100.9 connection-state=new  drop (rule 4 "drop the rest", old.rsc:10) -> accept (rule 4 "mgmt", new.rsc:10)
input  from WAN+other  tcp 22,8291 src not 192.0.2.0/24,198.51.100.9 connection-state=new src in "mgmt" (other entries)  drop (rule 4 "drop the rest", old.rsc:10) -> accept (rule 4 "mgmt", new.rsc:10)
WAN: the WAN is interface list "WAN"
`, BASE, BASE.replace('add chain=input action=drop comment="drop the rest"', 'add chain=input action=accept protocol=tcp dst-port=22,8291 src-address-list=mgmt comment="mgmt"\nadd chain=input action=drop comment="drop the rest"') + `/ip firewall address-list
add list=mgmt address=192.0.2.0/25
add list=mgmt address=192.0.2.128/25
add list=mgmt address=198.51.100.9
`);
check('v6', `old.rsc -> new.rsc: 1 change, 1 newly accepted (1 from WAN)
ipv6 input  from WAN+other  udp 546 src fe80::/10 connection-state=new,invalid  drop (rule 2, old.rsc:8) -> accept (rule 2 "dhcpv6 client", new.rsc:8)
WAN: the WAN is interface list "WAN"
`, LISTS + `/ipv6 firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=icmpv6
add chain=input action=drop in-interface-list=!LAN
`, LISTS + `/ipv6 firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=icmpv6
add chain=input action=accept protocol=udp dst-port=546 src-address=fe80::/10 comment="dhcpv6 client"
add chain=input action=drop in-interface-list=!LAN
`);
check('forward ports', `old.rsc -> new.rsc: 2 changes, 2 newly accepted (2 from WAN)
forward  from WAN  tcp 80,443,8080-8090 dst 192.168.88.10 connection-state=new,invalid  drop (rule 2, old.rsc:8) -> accept (rule 2 "web", new.rsc:8)
forward  from WAN  tcp 8091-8100 dst 192.168.88.10 connection-state=new,invalid  drop (rule 2, old.rsc:8) -> accept (rule 3 "web", new.rsc:9)
WAN: the WAN is interface list "WAN"
`, LISTS + `/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=LAN
add chain=forward action=drop
`, LISTS + `/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=LAN
add chain=forward action=accept protocol=tcp dst-port=80,443,8080-8090 dst-address=192.168.88.10 in-interface-list=WAN comment="web"
add chain=forward action=accept protocol=tcp dst-port=8091-8100 dst-address=192.168.88.10 in-interface-list=WAN comment="web"
add chain=forward action=drop
`);
check('may', `old.rsc -> new.rsc: 1 change, 1 newly accepted (1 from WAN), 1 may
input  from WAN  tcp 8291  may: drop (rule 0, old.rsc:6) -> accept (rule 0, new.rsc:5)
       may: the deciding rule after may not take effect (created inside \`:if\` (line 5), which may not run)
WAN: the WAN is interface list "WAN"
note: new.rsc: 1 rule created, changed or placed by commands that may not run (inside :if, loops, functions) or at an unknown position (line 5) is compared as written
`, LISTS + `/ip firewall filter
add chain=input action=drop in-interface-list=WAN
`, LISTS + `:if ($enableWinbox) do={ /ip firewall filter add chain=input action=accept protocol=tcp dst-port=8291 in-interface-list=WAN }
/ip firewall filter
add chain=input action=drop in-interface-list=WAN
`);
check('incomplete', `old.rsc -> new.rsc: the difference could not be proven (the IPv4 analysis ran out of its work budget)
`, BASE, BASE.replace('add chain=input action=accept protocol=icmp comment="icmp"\n', ''), { budget: 5 });
check('merge', `old.rsc -> new.rsc: 2 changes, 2 newly accepted (2 from WAN)
input  from WAN  tcp not 22,80  drop (rule 2 "drop WAN", old.rsc:8) -> accept (end of chain)
input  from WAN  all but tcp    drop (rule 2 "drop WAN", old.rsc:8) -> accept (end of chain)
WAN: the WAN is interface list "WAN"
`, LISTS + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22 comment=ssh
add chain=input action=accept protocol=tcp dst-port=80
add chain=input action=drop in-interface-list=WAN comment="drop WAN"
`, LISTS + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22 comment=ssh
add chain=input action=accept protocol=tcp dst-port=80
`);
check('unproven', `old.rsc -> new.rsc: no change found, but not proven: it rests on rules that may not be there as modelled (see the notes)
note: new.rsc: 1 rule created, changed or placed by commands that may not run (inside :if, loops, functions) or at an unknown position (line 1) is compared as written
`, LISTS + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22
add chain=input action=drop in-interface-list=WAN
`, `:if ($strict) do={ /ip firewall filter add chain=input action=drop protocol=udp in-interface-list=WAN }
` + LISTS + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22
add chain=input action=drop in-interface-list=WAN
`);
