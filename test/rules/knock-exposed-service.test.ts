import { knockExposedService } from '../../server/src/rules/knock-exposed-service';
import { ruleTester } from './tester';
import { ACCEPT, ESTABLISHED, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const SSH = 'chain=input action=accept protocol=tcp dst-port=22';

ruleTester(knockExposedService, {
  valid: [
    knockExposedService.examples.good,
    ...STYLES.map((s) => ({ name: `only established and knocked traffic (${s})`, code: script([ESTABLISHED, S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    { name: 'ssh from the LAN only', code: script([S1, S2, S3, ACCEPT, SSH + ' in-interface-list=LAN', WAN_DROP], 'export') },
    { name: 'ssh for the knocked list', code: script([S1, S2, S3, SSH + ' in-interface-list=WAN src-address-list=secured', WAN_DROP], 'export') },
    { name: 'ssh from a trusted address', code: script([S1, S2, S3, ACCEPT, SSH + ' src-address=198.51.100.7', WAN_DROP], 'export') },
    { name: 'ssh below the WAN drop', code: script([S1, S2, S3, ACCEPT, WAN_DROP, SSH], 'export') },
    { name: 'a non-management service', code: script([S1, S2, S3, ACCEPT, 'chain=input action=accept protocol=udp dst-port=51820', WAN_DROP], 'export') },
    { name: 'icmp', code: script([S1, S2, S3, ACCEPT, 'chain=input action=accept protocol=icmp', WAN_DROP], 'export') },
    { name: 'a disabled ssh accept', code: script([S1, S2, S3, ACCEPT, SSH + ' disabled=yes', WAN_DROP], 'export') },
    { name: 'the loopback accept of defconf', code: script([S1, S2, S3, ACCEPT, 'chain=input action=accept dst-address=127.0.0.1', WAN_DROP], 'export') },
    { name: 'no knock in the file', code: script([SSH, WAN_DROP], 'export') },
    {
      name: 'service accepts in a chain reached only by a jump that requires the final list',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=mgmt src-address-list=secured',
        'chain=mgmt action=accept protocol=tcp dst-port=22,8291', 'chain=mgmt action=return', WAN_DROP], 'export'),
    },
    {
      name: 'service accepts behind a jump limited to the LAN',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=jump jump-target=mgmt in-interface-list=LAN',
        'chain=mgmt action=accept protocol=tcp dst-port=8291', WAN_DROP], 'export'),
    },
    {
      name: 'a jump for UDP only in front of an accept without protocol',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=jump jump-target=svc protocol=udp',
        'chain=svc action=accept', WAN_DROP], 'export'),
    },
    {
      name: 'knocks behind a WAN jump; winbox accepted from the LAN only',
      code: script(['chain=input action=jump jump-target=knock in-interface-list=WAN',
        ...[S1, S2, S3].map((r) => r.replace('chain=input', 'chain=knock').replace(' in-interface-list=WAN', '')), 'chain=knock action=return',
        ACCEPT, 'chain=input action=accept protocol=tcp dst-port=8291 in-interface-list=LAN', WAN_DROP], 'export'),
    },
    {
      name: 'a jump whose port list has no management port',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=jump jump-target=svc protocol=tcp dst-port=25,587',
        'chain=svc action=accept protocol=tcp', WAN_DROP], 'export'),
    },
  ],
  invalid: [
    {
      name: 'meta example: ssh and winbox open to the WAN',
      code: knockExposedService.examples.bad,
      errors: [{ line: 9, relatedLine: 10, message: /ssh \(22\), winbox \(8291\) without requiring the knock's final list "secured"/ }],
      safe: false,
      output: knockExposedService.examples.bad.replace('comment="ssh and winbox"', 'comment="ssh and winbox" src-address-list=secured'),
    },
    ...STYLES.map((s) => ({
      name: `ssh without an interface above the drop (${s})`,
      code: script([S1, S2, S3, ACCEPT, SSH, WAN_DROP], s),
      errors: [{ line: lineOf(4, s), relatedLine: lineOf(5, s) }],
      output: script([S1, S2, S3, ACCEPT, SSH + ' src-address-list=secured', WAN_DROP], s),
    })),
    {
      name: 'everything from the WAN except the blacklist',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=accept in-interface-list=WAN src-address-list=!blacklist', WAN_DROP], 'export'),
      errors: [{ line: 6, message: /every port/ }],
    },
    {
      name: 'a negated port list that leaves winbox open',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=!22', WAN_DROP], 'export'),
      errors: [{ line: 6, message: /winbox \(8291\)/ }],
    },
    {
      name: 'an accept in a custom chain jumped to before the drop',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=jump jump-target=services', WAN_DROP, 'chain=services action=accept protocol=tcp dst-port=8291'], 'export'),
      errors: [{ line: 8 }],
    },
    {
      name: 'knocks in a from-wan chain that ends in a plain drop; https open in that chain',
      code: script([ESTABLISHED, 'chain=input action=jump jump-target=from-wan in-interface-list=WAN',
        ...[S1, S2, S3].map((r) => r.replace('chain=input', 'chain=from-wan').replace(' in-interface-list=WAN', '')),
        'chain=from-wan action=accept src-address-list=secured', 'chain=from-wan action=accept protocol=tcp dst-port=443', 'chain=from-wan action=drop'], 'export'),
      errors: [{ line: 8, relatedLine: 9, message: /www-ssl \(443\)/ }],
      output: script([ESTABLISHED, 'chain=input action=jump jump-target=from-wan in-interface-list=WAN',
        ...[S1, S2, S3].map((r) => r.replace('chain=input', 'chain=from-wan').replace(' in-interface-list=WAN', '')),
        'chain=from-wan action=accept src-address-list=secured', 'chain=from-wan action=accept protocol=tcp dst-port=443 src-address-list=secured', 'chain=from-wan action=drop'], 'export'),
    },
    {
      name: 'knocks behind a WAN jump (no interface on the stages), the WAN drop and an ssh accept in input',
      code: script(['chain=input action=jump jump-target=knock in-interface-list=WAN',
        ...[S1, S2, S3].map((r) => r.replace('chain=input', 'chain=knock').replace(' in-interface-list=WAN', '')), 'chain=knock action=return',
        ACCEPT, SSH, WAN_DROP], 'export'),
      errors: [{ line: 8, relatedLine: 9 }],
    },
    {
      name: 'one of two jumps into the service chain does not require the final list',
      code: script([S1, S2, S3, 'chain=input action=jump jump-target=mgmt src-address-list=secured',
        'chain=input action=jump jump-target=mgmt in-interface-list=WAN', 'chain=mgmt action=accept protocol=tcp dst-port=22,8291', WAN_DROP], 'export'),
      errors: [{ line: 7, message: /ssh \(22\), winbox \(8291\)/ }],
    },
    {
      name: 'the jump\'s port list narrows what the accept exposes',
      code: script([S1, S2, S3, ACCEPT, 'chain=input action=jump jump-target=svc protocol=tcp dst-port=8291,25',
        'chain=svc action=accept', WAN_DROP], 'export'),
      errors: [{ line: 7, message: /to winbox \(8291\) without/ }],
    },
  ],
});

// "The knock protects nothing" only when proven: the knock's own accept opens a service that this
// accept opens to everyone (issue 10, honest messages).
const SSH_ONLY_ACCEPT = 'chain=input action=accept in-interface-list=WAN src-address-list=secured protocol=tcp dst-port=22';
ruleTester(knockExposedService, {
  valid: [],
  invalid: [
    {
      name: 'winbox open to everyone, the knock guards ssh only: no "protects nothing"',
      code: script([S1, S2, S3, SSH_ONLY_ACCEPT, 'chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=8291', WAN_DROP], 'export'),
      errors: [{ line: 6, message: /^this accept admits new connections from the WAN to winbox \(8291\) without requiring the knock's final list "secured", which knocking does not guard$/ }],
    },
    {
      name: 'ssh open to everyone while the knock guards ssh: the knock protects nothing, and says for what',
      code: script([S1, S2, S3, SSH_ONLY_ACCEPT, 'chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=22,8291', WAN_DROP], 'export'),
      errors: [{ line: 6, message: /: the knock protects nothing \(it guards ssh \(22\), open here to everyone\)$/ }],
    },
  ],
});
