import { invalidValue } from '../../server/src/rules/invalid-value';
import { ruleTester } from './tester';

ruleTester(invalidValue, {
  valid: [
    invalidValue.examples.good,
    '/ip firewall filter add chain=input action=drop protocol=tcp dst-port=!22,80-90 connection-state=!established,new\n',
    '/ipv6/firewall/filter/add chain=input action=accept protocol=icmpv6\n',
    '/ip firewall nat add chain=dstnat action=dst-nat protocol=tcp dst-port=8080 to-ports=80 to-addresses=192.168.88.2\n',
    '/ip firewall filter add chain=input action=add-src-to-address-list address-list=x address-list-timeout=1d00:00:00 protocol=17\n',
    '/ip firewall filter add chain=input action=add-src-to-address-list address-list=x address-list-timeout=none-dynamic\n',
    '/ip firewall filter add chain=input tcp-flags=syn,!ack protocol=tcp action=tarpit\n',
    ':local p 70000\n/ip firewall filter add chain=input action=drop protocol=tcp dst-port=$p\n',
    '/ip firewall mangle add chain=prerouting action=mark-connection new-connection-mark=x passthrough=yes\n',
    { name: 'RouterOS 6 name of IP protocol 41 (7.x: ipv6-encap), as in a v6 6to4 script', code: '/ip firewall filter\nadd action=accept chain=input comment="Allow 6to4" protocol=ipv6\n' },
    { name: 'the 7.x name', code: '/ip/firewall/filter/add action=accept chain=input protocol=ipv6-encap\n' },
  ],
  invalid: [
    {
      name: 'meta example',
      code: invalidValue.examples.bad,
      errors: [
        { line: 2, column: 24, message: /unknown action "acept" for \/ip firewall filter/ },
        { line: 2, column: 52, message: /port 70000 is above 65535/ },
      ],
    },
    {
      name: 'malformed port list in /export form',
      code: '/ip firewall filter\nadd chain=input action=drop protocol=tcp dst-port=22,,23\n',
      errors: [{ line: 2, column: 51, message: /is not a port or port range/ }],
    },
    {
      name: 'a reversed range',
      code: '/ip/firewall/filter/add chain=input action=drop protocol=udp dst-port=900-100\n',
      errors: [{ line: 1, message: /ends before it starts/ }],
    },
    {
      name: 'an action of another table',
      code: '/ip firewall filter add chain=input action=masquerade\n',
      errors: [{ line: 1, column: 44 }],
    },
    {
      name: 'tarpit does not exist in the IPv6 filter',
      code: '/ipv6 firewall filter add chain=input action=tarpit protocol=tcp\n',
      errors: [{ line: 1, message: /unknown action "tarpit" for \/ipv6 firewall filter/ }],
    },
    {
      name: 'unknown protocol, state and timeout',
      code: '/ip firewall filter\nadd chain=input action=add-src-to-address-list address-list=k protocol=tpc connection-state=neww address-list-timeout=30x\n',
      errors: [{ line: 2 }, { line: 2 }, { line: 2 }],
    },
    {
      name: 'a misspelt ipv6 protocol name is still unknown',
      code: '/ip firewall filter add chain=input action=accept protocol=ipv7\n',
      errors: [{ line: 1, message: /unknown protocol "ipv7"/ }],
    },
    {
      name: 'a later set with a bad port',
      code: '/ip firewall filter\nadd chain=input action=drop comment=x\nset [find comment=x] protocol=tcp dst-port=65536\n',
      errors: [{ line: 3, message: /65536/ }],
    },
  ],
});
