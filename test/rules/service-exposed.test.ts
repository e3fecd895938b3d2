import { serviceExposed } from '../../server/src/rules/service-exposed';
import { knockExposedService } from '../../server/src/rules/knock-exposed-service';
import { ruleTester } from './tester';
import { script } from './fixtures';

const LISTS = '/interface list add name=WAN\n/interface list add name=LAN\n/interface list member add interface=ether1 list=WAN\n/interface list member add interface=bridge list=LAN\n';
const EST = 'chain=input action=accept connection-state=established,related';
const DROP = 'chain=input action=drop in-interface-list=!LAN';
const fw = (rules: string[], pre = '') => LISTS + pre + script([EST, ...rules, DROP], 'export');

ruleTester(serviceExposed, {
  valid: [
    serviceExposed.examples.good,
    { name: 'knock-exposed-service reports it (one diagnostic)', code: knockExposedService.examples.bad },
    { name: 'ssh disabled in /ip service', code: fw(['chain=input action=accept protocol=tcp dst-port=22'], '/ip service set ssh disabled=yes\n') },
    { name: 'ssh limited by address=', code: fw(['chain=input action=accept protocol=tcp dst-port=22'], '/ip service set ssh address=192.168.88.0/24\n') },
    { name: 'ssh moved to another port', code: fw(['chain=input action=accept protocol=tcp dst-port=22'], '/ip service set ssh port=2222\n') },
    { name: 'from the LAN only', code: fw(['chain=input action=accept protocol=tcp dst-port=8291 in-interface-list=LAN']) },
    { name: 'from one address', code: fw(['chain=input action=accept protocol=tcp dst-port=8291 src-address=198.51.100.7']) },
    { name: 'with a rate limit (may or may not admit)', code: fw(['chain=input action=accept protocol=tcp dst-port=22 limit=3,5:packet']) },
    { name: 'www-ssl is off by default', code: fw(['chain=input action=accept protocol=tcp dst-port=443']) },
    { name: 'a non-management port', code: fw(['chain=input action=accept protocol=udp dst-port=51820']) },
    { name: 'below the drop', code: LISTS + script([EST, DROP, 'chain=input action=accept protocol=tcp dst-port=22'], 'export') },
    { name: 'the implicit accept (wan-input-open reports it)', code: LISTS + script([EST, 'chain=input action=drop connection-state=invalid'], 'export') },
    { name: 'the service state is uncertain', code: fw(['chain=input action=accept protocol=tcp dst-port=22'], ':if ($x) do={ /ip service set ssh disabled=yes }\n') },
    { name: 'the accept inside :if', code: LISTS + script([EST], 'export') + ':if ($x) do={ /ip firewall filter add chain=input action=accept protocol=tcp dst-port=22 }\n/ip firewall filter add chain=input action=drop in-interface-list=!LAN\n' },
  ],
  invalid: [
    { name: 'meta example: ssh and winbox', code: serviceExposed.examples.bad, errors: [{ line: 5, column: 1, message: /admits new connections from any WAN source to the router's ssh \(22\), winbox \(8291\); the WAN is interface list "WAN"/ }], output: null },
    { name: 'ssh on its changed port', code: fw(['chain=input action=accept protocol=tcp dst-port=2222'], '/ip service set ssh port=2222\n'), errors: [{ line: 8, message: /ssh \(2222\)/ }] },
    { name: 'everything from the WAN but a blacklist', code: fw(['chain=input action=accept in-interface-list=WAN src-address-list=!blacklist']), errors: [{ line: 7, message: /ftp \(21\), ssh \(22\), telnet \(23\), www \(80\), winbox \(8291\), api \(8728\), api-ssl \(8729\)/ }] },
    {
      name: 'raw notrack for the WAN and the defconf untracked accept',
      code: LISTS + '/ip firewall raw add chain=prerouting action=notrack in-interface-list=WAN\n' + script(['chain=input action=accept connection-state=established,related,untracked', DROP], 'export'),
      errors: [{ line: 7, message: /winbox \(8291\).*raw notrack/ }],
    },
    {
      name: 'IPv6 winbox',
      code: LISTS + script(['chain=input action=accept connection-state=established,related', 'chain=input action=accept protocol=tcp dst-port=8291', DROP], 'export', 'ipv6 firewall filter'),
      errors: [{ line: 7, message: /winbox \(8291\)/ }],
    },
  ],
});
