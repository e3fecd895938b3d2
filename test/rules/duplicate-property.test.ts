import { duplicateProperty } from '../../server/src/rules/duplicate-property';
import { ruleTester } from './tester';

ruleTester(duplicateProperty, {
  valid: [
    duplicateProperty.examples.good,
    { name: 'find and print where may compare a property twice', code: '/ip firewall filter print where chain=input or chain=forward\n:put [/ip firewall filter find chain=input chain=forward]\n' },
    { name: 'different properties with a common prefix', code: '/ip firewall filter add chain=input src-address=1.1.1.1 src-address-list=x\n' },
  ],
  invalid: [
    {
      name: 'meta example: dst-port twice',
      code: duplicateProperty.examples.bad,
      errors: [{ line: 1, column: 62, message: /"dst-port" is given twice/, relatedLine: 1 }],
      output: '/ip firewall filter add chain=input protocol=tcp dst-port=8291 action=accept\n',
    },
    {
      name: 'through an abbreviation (addr= and address=)',
      code: '/ip address add addr=10.0.0.1/24 interface=ether1 address=10.0.0.2/24\n',
      errors: [{ line: 1, column: 51, message: /"address" is given twice/ }],
    },
    {
      name: 'also in a RouterOS 6 export',
      code: '# by RouterOS 6.49.7\n/ip firewall filter\nadd chain=input action=accept action=drop\n',
      errors: [{ line: 3, column: 31 }],
    },
  ],
});
