import { knockMissingChain } from '../../server/src/rules/knock-missing-chain';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const S2_UNCHAINED = S2.replace(' src-address-list=knock1', '');
const S3_UNCHAINED = S3.replace(' src-address-list=knock2', '');

ruleTester(knockMissingChain, {
  valid: [
    knockMissingChain.examples.good,
    ...STYLES.map((s) => ({ name: `well chained (${s})`, code: script([S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    {
      name: 'a later set adds the missing list',
      code: script([S1, S2_UNCHAINED + ' comment=k2', S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k2] src-address-list=knock1\n',
    },
    { name: 'a two-stage knock, chained', code: script([S1, S3.replace('knock2', 'knock1'), ACCEPT, WAN_DROP], 'export') },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockMissingChain.examples.bad,
      errors: [{ line: 4, endLine: 5, message: /"knock2" does not require the previous stage's list "knock1"/ }],
      safe: true,
      output: knockMissingChain.examples.bad.replace('comment="knock 2"', 'comment="knock 2" src-address-list=knock1'),
    },
    ...STYLES.map((s) => ({
      name: `second stage unchained (${s})`,
      code: script([S1, S2_UNCHAINED, S3, ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(1, s), column: 1 }],
      output: script([S1, S2, S3, ACCEPT, WAN_DROP], s),
    })),
    ...STYLES.map((s) => ({
      name: `final stage unchained (${s})`,
      code: script([S1, S2, S3_UNCHAINED, ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(2, s), message: /"secured" does not require the previous stage's list "knock2"/ }],
      output: script([S1, S2, S3, ACCEPT, WAN_DROP], s),
    })),
    {
      name: 'a later set removes the chaining (set is edited, not the add)',
      code: script([S1, S2 + ' comment=k2', S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k2] src-address-list=""\n',
      errors: [{ line: 3 }],
    },
  ],
});
