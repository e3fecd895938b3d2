import { knockBrokenChain } from '../../server/src/rules/knock-broken-chain';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

ruleTester(knockBrokenChain, {
  valid: [
    knockBrokenChain.examples.good,
    ...STYLES.map((s) => ({ name: `every required list is filled (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    {
      name: 'a required list with static entries',
      code:
        '/ip firewall address-list add list=knock-allowed address=198.51.100.0/24\n' +
        script([S1 + ' src-address-list=knock-allowed', S2, S3, ACCEPT, WAN_DROP], 'oneliner'),
    },
    {
      name: 'a later set repairs the typo',
      code: script([S1, S2.replace('=knock1', '=knok1') + ' comment=k2', S3, ACCEPT, WAN_DROP], 'export') +
        'set [find comment=k2] src-address-list=knock1\n',
    },
  ],
  invalid: [
    {
      name: 'meta example: a typo in the required list',
      code: knockBrokenChain.examples.bad,
      errors: [{ line: 4, message: /requires list "knok1", which nothing fills/ }],
      safe: false,
      output: knockBrokenChain.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `the final stage requires a list nothing fills (${s})`,
      code: script([S1, S2, S3.replace('=knock2', '=knock-2'), ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(2, s) }],
      output: script([S1, S2, S3, ACCEPT, WAN_DROP], s),
    })),
    {
      name: 'the list is only filled by a disabled rule',
      code: script([S1 + ' disabled=yes', S2, S3, ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 3 }],
    },
  ],
});
