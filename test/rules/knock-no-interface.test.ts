import { knockNoInterface } from '../../server/src/rules/knock-no-interface';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const noIf = (r: string) => r.replace(' in-interface-list=WAN', '');
const inChain = (r: string, c: string) => r.replace('chain=input', `chain=${c}`);

ruleTester(knockNoInterface, {
  valid: [
    knockNoInterface.examples.good,
    ...STYLES.map((s) => ({ name: `every stage on the WAN list (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    { name: 'an in-interface instead of a list', code: script([S1.replace('in-interface-list=WAN', 'in-interface=ether1'), S2, S3, ACCEPT, WAN_DROP], 'export') },
    {
      name: 'a jump limited to the WAN',
      code: script(['chain=input action=jump jump-target=knock in-interface-list=WAN', ACCEPT, WAN_DROP, ...[S1, S2, S3].map((r) => inChain(noIf(r), 'knock'))], 'export'),
    },
    {
      name: 'nested jumps, the outer one limited',
      code: script(['chain=input action=jump jump-target=wan in-interface=ether1', 'chain=wan action=jump jump-target=knock', ACCEPT, WAN_DROP, ...[S1, S2, S3].map((r) => inChain(noIf(r), 'knock'))], 'export'),
    },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockNoInterface.examples.bad,
      errors: [{ line: 2, message: /"knock1" is not limited to the WAN/ }],
      safe: false,
      output: knockNoInterface.examples.bad.replace('comment="knock 1"', 'comment="knock 1" in-interface-list=WAN'),
    },
    ...STYLES.map((s) => ({
      name: `no stage limited (${s})`,
      code: script([noIf(S1), noIf(S2), noIf(S3), ACCEPT, WAN_DROP], s),
      errors: [0, 1, 2].map((i) => ({ line: lineOf(i, s) })),
    })),
    {
      name: 'a jump that is not limited',
      code: script(['chain=input action=jump jump-target=knock', ACCEPT, WAN_DROP, ...[S1, S2, S3].map((r) => inChain(noIf(r), 'knock'))], 'export'),
      errors: [{ line: 5 }, { line: 6 }, { line: 7 }],
    },
  ],
});
