// knock-timeout-missing, knock-timeout-short and knock-timeout-long share the stage walk and the fix.
import { knockTimeoutLong } from '../../server/src/rules/knock-timeout-long';
import { knockTimeoutMissing } from '../../server/src/rules/knock-timeout-missing';
import { knockTimeoutShort } from '../../server/src/rules/knock-timeout-short';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const CLEAN = [S1, S2, S3, ACCEPT, WAN_DROP];
const at = (rule: string, t: string) => rule.replace(/address-list-timeout=\S+/, t);

ruleTester(knockTimeoutMissing, {
  valid: [
    knockTimeoutMissing.examples.good,
    ...STYLES.map((s) => ({ name: `all timeouts set (${s})`, code: script(CLEAN, s) })),
    {
      name: 'a later set adds the timeout',
      code: script([at(S1, 'comment=k1'), S2, S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k1] address-list-timeout=30s\n',
    },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockTimeoutMissing.examples.bad,
      errors: [{ line: 2, message: /knock stage "knock1" has no address-list-timeout/ }],
      safe: true,
      output: knockTimeoutMissing.examples.bad.replace('comment="knock 1"', 'comment="knock 1" address-list-timeout=30s'),
    },
    ...STYLES.map((s) => ({
      name: `final list without timeout gets 30m (${s})`,
      code: script([S1, S2, at(S3, ''), ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(2, s), message: /final list "secured" has no address-list-timeout/ }],
      output: script([S1, S2, at(S3, '') + ' address-list-timeout=30m', ACCEPT, WAN_DROP], s),
    })),
    {
      name: 'none-dynamic never expires',
      code: script([S1, at(S2, 'address-list-timeout=none-dynamic'), S3, ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 3, message: /none-dynamic/ }],
      output: script(CLEAN, 'export'),
    },
  ],
});

ruleTester(knockTimeoutShort, {
  valid: [
    knockTimeoutShort.examples.good,
    { name: 'exactly 5s', code: script([at(S1, 'address-list-timeout=5s'), S2, S3, ACCEPT, WAN_DROP], 'export') },
    { name: 'threshold lowered', code: script([at(S1, 'address-list-timeout=2s'), S2, S3, ACCEPT, WAN_DROP], 'export'), thresholds: { stageTimeoutMin: 1 } },
    {
      name: 'a 2s final list handed off to a script polled every second (the script grants access)',
      code: script([S1, S2, at(S3, 'address-list-timeout=2s'), WAN_DROP], 'export') +
        '/system script add name=grant source={ :foreach i in=[/ip firewall address-list find list=secured] do={ ' +
        '/ip firewall address-list add list=admin address=[/ip firewall address-list get $i address] timeout=30m } }\n' +
        '/system scheduler add name=grant interval=1s on-event="/system script run grant"\n',
    },
  ],
  invalid: [
    {
      name: 'a final list that expires in 2s: the client must connect in time (not "the next knock")',
      code: script([S1, S2, at(S3, 'address-list-timeout=2s'), ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 4, message: /final list "secured" expires after 2s \(under 5s\): the knocked client may not open its connection in time/ }],
      output: script(CLEAN, 'export'),
    },
    {
      name: 'meta example',
      code: knockTimeoutShort.examples.bad,
      errors: [{ line: 2, message: /expires after 2s \(under 5s\)/ }],
      safe: true,
      output: knockTimeoutShort.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `a short middle stage (${s})`,
      code: script([S1, at(S2, 'address-list-timeout=3s'), S3, ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(1, s) }],
      output: script(CLEAN, s),
    })),
    {
      name: 'a threshold raised by the user',
      code: script(CLEAN, 'export'),
      thresholds: { stageTimeoutMin: 60 },
      errors: [{ line: 2 }, { line: 3 }],
    },
    {
      name: 'a later set shortens the timeout',
      code: script([S1 + ' comment=k1', S2, S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k1] address-list-timeout=1s\n',
      errors: [{ line: 2 }],
      output: script([S1 + ' comment=k1', S2, S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k1] address-list-timeout=30s\n',
    },
  ],
});

ruleTester(knockTimeoutLong, {
  valid: [
    knockTimeoutLong.examples.good,
    { name: 'exactly 60s and 1d', code: script([at(S1, 'address-list-timeout=1m'), S2, at(S3, 'address-list-timeout=1d'), ACCEPT, WAN_DROP], 'export') },
    { name: 'threshold raised', code: script([at(S1, 'address-list-timeout=5m'), S2, S3, ACCEPT, WAN_DROP], 'export'), thresholds: { stageTimeoutMax: 600 } },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockTimeoutLong.examples.bad,
      errors: [{ line: 2, message: /stays open for 1h \(over 1m\)/ }],
      output: knockTimeoutLong.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `final list kept for 2 days (${s})`,
      code: script([S1, S2, at(S3, 'address-list-timeout=2d'), ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(2, s), message: /keeps access for 2d \(over 1d\)/ }],
      output: script(CLEAN, s),
    })),
    {
      name: 'hh:mm:ss form',
      code: script([at(S1, 'address-list-timeout=00:05:00'), S2, S3, ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 2 }],
      output: script(CLEAN, 'export'),
    },
  ],
});
