import { parse } from '../server/src/parser';
import { buildModel } from '../server/src/model';
import { firewallDiff, diffText } from '../server/src/features/firewallDiff';
const inp = (name: string, t: string) => { const p = parse(t); return { name, text: t, parse: p, model: buildModel(p, t) }; };
const show = (a: string, b: string, o = {}) => process.stdout.write(diffText(firewallDiff(inp('old.rsc', a), inp('new.rsc', b), o)));
const base = `/interface list add name=WAN
/interface list add name=LAN
/interface list member add list=WAN interface=ether1
/interface list member add list=LAN interface=bridge
`;
// v6
show(base + `/ipv6 firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=icmpv6
add chain=input action=drop in-interface-list=!LAN
`, base + `/ipv6 firewall filter
add chain=input action=accept connection-state=established,related
add chain=input action=accept protocol=icmpv6
add chain=input action=accept protocol=udp dst-port=546 src-address=fe80::/10
add chain=input action=drop in-interface-list=!LAN
`);
// port merge and address lists
show(base + `/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=LAN
add chain=forward action=drop
`, base + `/ip firewall filter
add chain=forward action=accept connection-state=established,related
add chain=forward action=accept in-interface-list=LAN
add chain=forward action=accept protocol=tcp dst-port=80,443,8080-8090 dst-address=192.168.88.10 comment="web"
add chain=forward action=accept protocol=tcp dst-port=22 dst-address=192.168.88.0/25
add chain=forward action=accept protocol=tcp dst-port=22 dst-address=192.168.88.128/25
add chain=forward action=drop
`);
// conditional rule, runtime value
show(base + `/ip firewall filter
add chain=input action=drop in-interface-list=WAN
`, base + `:local p 22
:if ($x = 1) do={ /ip firewall filter add chain=input action=accept protocol=tcp dst-port=8291 place-before=0 }
/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=$p place-before=0
add chain=input action=accept protocol=udp limit=10,5:packet place-before=0
add chain=input action=drop in-interface-list=WAN
`);
// incomplete
show(base + `/ip firewall filter
add chain=input action=drop in-interface-list=WAN
`, base + `/ip firewall filter
add chain=input action=accept protocol=tcp dst-port=22
add chain=input action=drop in-interface-list=WAN
`, { budget: 1 });
// reject vs drop, raw
show(base + `/ip firewall raw
add chain=prerouting action=drop src-address=203.0.113.0/24
/ip firewall filter
add chain=input action=drop in-interface-list=WAN
`, base + `/ip firewall filter
add chain=input action=reject reject-with=icmp-admin-prohibited in-interface-list=WAN
`);
