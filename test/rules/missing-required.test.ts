import { missingRequired } from '../../server/src/rules/missing-required';
import { ruleTester } from './tester';

ruleTester(missingRequired, {
  valid: [
    missingRequired.examples.good,
    { name: 'copy-from supplies the rest', code: '/ip firewall filter add copy-from=0\n' },
    { name: 'an abbreviation counts', code: '/ip address add addr=10.0.0.1/24 interface=ether1\n' },
    { name: 'dns static: name or regexp', code: '/ip dns static add regexp=".*\\\\.lan" address=10.0.0.1\n' },
    { name: 'set and other menus are not judged', code: '/ip address set 0 interface=ether2\n/ip pool add name=p ranges=10.0.0.2-10.0.0.9\n' },
    { name: 'RouterOS 6 files are not judged', code: '# by RouterOS 6.49.7\n/ip address add interface=ether1\n' },
  ],
  invalid: [
    {
      name: 'meta example: /ip address add without address',
      code: missingRequired.examples.bad,
      errors: [{ line: 1, column: 13, message: /\/ip address add needs address=/ }],
      output: null,
    },
    {
      name: 'a firewall rule without chain, in a section',
      code: '/ip firewall filter\nadd action=drop protocol=tcp dst-port=23\n',
      errors: [{ line: 2, column: 1, message: /needs chain=/ }],
    },
    {
      name: 'an empty address list entry',
      code: '/ip firewall address-list add list=blocked\n',
      errors: [{ line: 1, column: 27, message: /needs address=/ }],
    },
  ],
});
