import { knockLayer7Tcp } from '../../server/src/rules/knock-layer7-tcp';
import { ruleTester } from './tester';
import { ACCEPT, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const L7 = '/ip firewall layer7-protocol add name=pass regexp="^passphrase\\$"\n';

ruleTester(knockLayer7Tcp, {
  valid: [
    knockLayer7Tcp.examples.good,
    ...STYLES.map((s) => ({ name: `layer7 on UDP as the guide does (${s})`, code: L7 + script([S1.replace('protocol=tcp', 'protocol=udp layer7-protocol=pass'), S2, S3, ACCEPT, WAN_DROP], s) })),
    { name: 'a later set switches the stage to UDP', code: L7 + script([S1 + ' layer7-protocol=pass comment=k1', S2, S3, ACCEPT, WAN_DROP], 'export') + 'set [find comment=k1] protocol=udp\n' },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockLayer7Tcp.examples.bad,
      errors: [{ line: 4, message: /layer7-protocol=pass on TCP/ }],
      safe: false,
      output: knockLayer7Tcp.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `a TCP stage with layer7 (${s})`,
      code: L7 + script([S1, S2 + ' layer7-protocol=pass', S3, ACCEPT, WAN_DROP], s),
      errors: [{ line: lineOf(1, s) + 1 }],
      output: L7 + script([S1, S2.replace('protocol=tcp', 'protocol=udp') + ' layer7-protocol=pass', S3, ACCEPT, WAN_DROP], s),
    })),
  ],
});
