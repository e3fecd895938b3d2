// invalid-value on every typed value (the router's own value types from the command tree), golden
// lines: RouterOS answers the bad ones with "invalid value for argument ..." / "value of ... out of range".
import { invalidValue } from '../../server/src/rules/invalid-value';
import { ruleTester } from './tester';

ruleTester(invalidValue, {
  valid: [
    { name: 'times in every spelling', code: '/system scheduler add name=s interval=1h30m on-event=x\n/system scheduler add name=t interval=00:05:00 on-event=x\n/tool netwatch add host=1.1.1.1 interval=30s startup-delay="0:0:20"\n' },
    { name: 'time ranges where the setting takes one', code: '/ipv6 nd add interface=ether1 ra-interval=3m20s-10m\n/ip kid-control add name=k mon=0s-1d\n' },
    { name: 'addresses with prefix, hostnames and keywords', code: '/ip address add address=192.168.88.1/24 interface=ether1\n/ip dns static add name=x address=10.0.0.1\n' },
    { name: 'run-time values are never judged', code: ':local i "5x"\n/system scheduler add name=s interval=$i on-event=x\n/system scheduler add name=t interval=[:totime "1h"] on-event=x\n/system scheduler add name=u interval=("1" . "h") on-event=x\n' },
    { name: 'yes/no switches, true/false and prefixes', code: '/ip address add address=10.0.0.1/24 interface=ether1 disabled=true\n/ip firewall filter add chain=input tcp-flags=sy protocol=tcp\n' },
    { name: 'MAC addresses', code: '/interface bridge add name=br admin-mac=AA:BB:CC:DD:EE:FF auto-mac=no\n' },
    { name: 'RouterOS 6 files are not judged', code: '# by RouterOS 6.49.7\n/system scheduler add name=s interval=5x on-event=x\n' },
  ],
  invalid: [
    {
      name: 'interval=5x is not a time',
      code: '/system scheduler add name=s interval=5x on-event=x\n',
      errors: [{ line: 1, column: 39, message: /interval=5x: not a time interval/ }],
    },
    {
      name: 'an IPv4 address with an octet above 255',
      code: '/ip address add address=192.168.1.300/24 interface=ether1\n',
      errors: [{ line: 1, column: 25, message: /not an IPv4 address/ }],
    },
    {
      name: 'a prefix length above 32',
      code: '/ip address add address=10.0.0.1/33 interface=ether1\n',
      errors: [{ line: 1, column: 25, message: /\/33 is not a prefix length/ }],
    },
    {
      name: 'a time outside the router\'s range (an address-list timeout of 40 weeks)',
      code: '/ip firewall address-list add list=x address=1.2.3.4 timeout=40w\n',
      errors: [{ line: 1, column: 62, message: /out of range \(0s\.\.35w3d13h13m56s\)/ }],
    },
    {
      name: 'a malformed MAC address',
      code: '/interface bridge add name=br admin-mac=AA:BB:CC:DD:EE auto-mac=no\n',
      errors: [{ line: 1, column: 41, message: /not a MAC address/ }],
    },
    {
      name: 'a yes/no switch with another word',
      code: '/ip address add address=10.0.0.1/24 interface=ether1 disabled=maybe\n',
      errors: [{ line: 1, column: 63, message: /"maybe" is not one of: (no, yes|yes, no)/ }],
    },
    {
      name: 'inside a source= string, with file positions',
      code: '/system script add name=s source="/system scheduler add name=x interval=5x on-event=y"\n',
      errors: [{ line: 1, column: 73 }],
    },
  ],
});
