import { knockShadowed } from '../../server/src/rules/knock-shadowed';
import { ruleTester } from './tester';
import { ACCEPT, ESTABLISHED, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const DROP_FIRST = [WAN_DROP, S1, S2, S3, ACCEPT];
const NEW_DROP = 'chain=input action=drop connection-state=new in-interface-list=WAN';
const UDP = (r: string) => r.replace('protocol=tcp', 'protocol=udp');
const IN_PK = (r: string) => r.replace('chain=input', 'chain=pk');
const UDP_PK = [S1, S2, S3].map((r) => IN_PK(UDP(r)));
const ACCEPT_ALL_FIRST = ['chain=input action=accept in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP];

ruleTester(knockShadowed, {
  valid: [
    knockShadowed.examples.good,
    ...STYLES.map((s) => ({ name: `knocks above the drop (${s})`, code: script([ESTABLISHED, S1, S2, S3, ACCEPT, WAN_DROP], s) })),
    { name: 'a disabled drop above hides nothing', code: script([WAN_DROP + ' disabled=yes', S1, S2, S3, ACCEPT], 'export') },
    { name: 'a drop for another interface list', code: script(['chain=input action=drop in-interface-list=LAN', S1, S2, S3, ACCEPT, WAN_DROP], 'export') },
    { name: 'a drop for one port does not cover the stages', code: script(['chain=input action=drop in-interface-list=WAN protocol=tcp dst-port=22', S1, S2, S3, ACCEPT, WAN_DROP], 'export') },
    { name: 'a drop of invalid connections', code: script(['chain=input action=drop connection-state=invalid', S1, S2, S3, ACCEPT, WAN_DROP], 'export') },
    { name: 'a log rule above is not terminal', code: script(['chain=input action=log in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP], 'export') },
    {
      name: 'a later set disables the drop',
      code: script([WAN_DROP + ' comment=wandrop', S1, S2, S3, ACCEPT], 'export') + 'set [find comment=wandrop] disabled=yes\n',
    },
    {
      name: 'stages placed before the drop with place-before',
      code: script([WAN_DROP, ACCEPT + ' place-before=0', S3 + ' place-before=0', S2 + ' place-before=0', S1 + ' place-before=0'], 'export'),
    },
    {
      name: 'the drop is placed at an unknown position (rule not created by the script)',
      code: script([S1, S2, S3, ACCEPT, WAN_DROP + ' place-before=[find comment="router default"]'], 'export'),
    },
    {
      name: 'a jump whose chain ends before the stages does not hide them',
      code: script(['chain=input action=jump jump-target=wan-check in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP, 'chain=wan-check action=drop protocol=tcp dst-port=23'], 'export'),
    },
    { name: 'a drop of new connections from the LAN', code: script([NEW_DROP.replace('=WAN', '=LAN'), S1, S2, S3, ACCEPT, WAN_DROP], 'export') },
    {
      name: 'an accept of established/related (the knocks are new connections)',
      code: script(['chain=input action=accept connection-state=established,related,untracked in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP], 'export'),
    },
    {
      // with a dst-nat rule some new packets are dstnat; without one the drop takes every new packet
      // (test/semantics/disagreements.test.ts)
      name: 'a drop of new connections that did not come through dst-nat (defconf forward rule) does not cover the knocks when the file has dst-nat',
      code:
        script(['chain=input action=drop connection-state=new connection-nat-state=!dstnat in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP], 'export') +
        '/ip firewall nat add chain=dstnat action=dst-nat in-interface-list=WAN protocol=tcp dst-port=8080 to-addresses=192.168.88.10\n',
    },
    {
      name: 'the hardening rule "drop new non-SYN" does not hide TCP knocks (a knock is a SYN)',
      code: script(['chain=input action=drop protocol=tcp connection-state=new tcp-flags=!syn in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'a drop of SYNs does not hide UDP knocks',
      code: script(['chain=input action=drop protocol=tcp tcp-flags=syn in-interface-list=WAN', ...[S1, S2, S3].map(UDP), ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'a SYN rate limiter above is no hider (limit= is stateful)',
      code: script(['chain=input action=drop protocol=tcp tcp-flags=syn in-interface-list=WAN limit=100,5:packet', S1, S2, S3, ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'UDP stages behind a jump for UDP',
      code: script(['chain=input action=jump jump-target=pk in-interface-list=WAN protocol=udp', ...UDP_PK, 'chain=pk action=return', ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'a jump whose port list holds every stage port',
      code: script(['chain=input action=jump jump-target=pk protocol=tcp dst-port=7391,4263,9127', ...[S1, S2, S3].map(IN_PK), ACCEPT, WAN_DROP], 'export'),
    },
    {
      name: 'one of two jumps into the chain admits the UDP stages',
      code: script(['chain=input action=jump jump-target=pk protocol=tcp', 'chain=input action=jump jump-target=pk protocol=udp', ...UDP_PK, ACCEPT, WAN_DROP], 'export'),
    },
  ],
  invalid: [
    ...STYLES.map((s) => ({
      name: `a drop of new connections from the WAN above the knocks (${s})`,
      code: script([NEW_DROP, S1, S2, S3, ACCEPT], s),
      errors: [1, 2, 3].map((i) => ({
        line: lineOf(i, s),
        relatedLine: lineOf(0, s),
        message: /never fires: the drop rule drop in chain input \(line \d\) above it matches all of its packets \(each knock opens a new connection\)/,
      })),
      output: script([S1, S2, S3, NEW_DROP, ACCEPT], s),
    })),
    {
      name: 'a drop of new TCP SYNs from the WAN hides TCP knocks (the knock packet is a bare SYN)',
      code: script([ESTABLISHED, 'chain=input action=drop protocol=tcp tcp-flags=syn connection-state=new in-interface-list=WAN', S1, S2, S3, ACCEPT, WAN_DROP], 'oneliner'),
      errors: [{ line: 3, relatedLine: 2, message: /each knock opens a new connection/ }, { line: 4 }, { line: 5 }],
    },
    {
      name: 'forward chain: the drop of new WAN connections above forward knocks',
      code: script([NEW_DROP, S1, S2, S3, ACCEPT].map((r) => r.replace('chain=input', 'chain=forward')), 'export'),
      errors: [{ line: 3, relatedLine: 2 }, { line: 4 }, { line: 5 }],
    },
    {
      name: 'UDP stages behind a TCP-only jump never fire (no fix: which side is wrong is the author\'s call)',
      code: script([ESTABLISHED, 'chain=input action=jump jump-target=pk in-interface-list=WAN protocol=tcp', ...UDP_PK, 'chain=pk action=return', ACCEPT, WAN_DROP], 'export'),
      errors: [
        { line: 4, relatedLine: 3, message: /"knock1" never fires: the jump to chain pk \(line 3\) admits none of its packets \(it requires protocol=tcp\)/ },
        { line: 5, relatedLine: 3 },
        { line: 6, relatedLine: 3 },
      ],
      output: null,
    },
    {
      name: 'a stage whose port the jump\'s port list lacks (typo 9172 for 9127)',
      code: script(['chain=input action=jump jump-target=pk protocol=tcp dst-port=7391,4263,9172 comment="to knock chain"', ...[S1, S2, S3].map(IN_PK), ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 5, relatedLine: 2, message: /the jump "to knock chain" \(line 2\) admits none of its packets \(it requires dst-port=7391,4263,9172\)/ }],
      output: null,
    },
    {
      name: 'meta example: the WAN drop above the knocks (export form, continuation lines)',
      code: knockShadowed.examples.bad,
      errors: [
        { line: 3, relatedLine: 2, endLine: 4, message: /"knock1" never fires: the drop rule "drop all from WAN"/ },
        { line: 5, relatedLine: 2, endLine: 6 },
        { line: 7, relatedLine: 2, endLine: 8 },
      ],
      safe: true,
      output: `/ip firewall filter
add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\
    dst-port=7391 in-interface-list=WAN protocol=tcp comment="knock 1"
add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\
    dst-port=4263 in-interface-list=WAN protocol=tcp src-address-list=knock1 comment="knock 2"
add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m \\
    dst-port=9127 in-interface-list=WAN protocol=tcp src-address-list=knock2 comment="knock 3"
add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"
add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"
`,
    },
    ...STYLES.map((s) => ({
      name: `an accept for all WAN traffic above the knocks (${s})`,
      code: script(ACCEPT_ALL_FIRST, s),
      errors: [1, 2, 3].map((i) => ({ line: lineOf(i, s), column: 1, relatedLine: lineOf(0, s) })),
      output: script([S1, S2, S3, ACCEPT_ALL_FIRST[0], ACCEPT, WAN_DROP], s),
    })),
    ...STYLES.map((s) => ({
      name: `the drop above the knocks (${s})`,
      code: script(DROP_FIRST, s),
      errors: [1, 2, 3].map((i) => ({ line: lineOf(i, s), relatedLine: lineOf(0, s) })),
      output: script([S1, S2, S3, WAN_DROP, ACCEPT], s),
    })),
    {
      name: 'comments above the stages move with them',
      code: `/ip firewall filter
add ${WAN_DROP}
# port knocking
# stage 1
add ${S1}
add ${S2}
add ${S3}
add ${ACCEPT}
`,
      errors: [{ line: 5 }, { line: 6 }, { line: 7 }],
      output: `/ip firewall filter
# port knocking
# stage 1
add ${S1}
add ${S2}
add ${S3}
add ${WAN_DROP}
add ${ACCEPT}
`,
    },
    {
      name: 'a stage from a later /export section moves under the drop\'s section with its path',
      code: `/ip firewall filter
add ${WAN_DROP}
add ${S1}
/ip firewall address-list
add list=trusted address=192.0.2.1
/ip firewall filter
add ${S2}
add ${S3}
add ${ACCEPT}
`,
      errors: [{ line: 3 }, { line: 7 }, { line: 8 }],
      output: `/ip firewall filter
add ${S1}
add ${S2}
add ${S3}
add ${WAN_DROP}
/ip firewall address-list
add list=trusted address=192.0.2.1
/ip firewall filter
add ${ACCEPT}
`,
    },
    {
      name: 'a relative stage moved above a one-liner outside any filter section gets its path',
      code: `/ip firewall filter add ${WAN_DROP}
/ip firewall filter
add ${S1}
add ${S2}
add ${S3}
add ${ACCEPT}
`,
      errors: [{ line: 3 }, { line: 4 }, { line: 5 }],
      output: `/ip firewall filter add ${S1}
/ip firewall filter add ${S2}
/ip firewall filter add ${S3}
/ip firewall filter add ${WAN_DROP}
/ip firewall filter
add ${ACCEPT}
`,
    },
    {
      name: 'a drop placed on top later with place-before=0 (no text move offered)',
      code: script([S1, S2, S3, ACCEPT, WAN_DROP + ' place-before=0'], 'export'),
      errors: [{ line: 2, relatedLine: 6 }, { line: 3 }, { line: 4 }],
      output: null,
    },
    {
      name: 'a later set turns a harmless rule into a covering drop',
      code: script(['chain=input action=log in-interface-list=WAN comment=wan', S1, S2, S3, ACCEPT], 'export') +
        'set [find comment=wan] action=drop\n',
      errors: [{ line: 3 }, { line: 4 }, { line: 5 }],
    },
    {
      name: 'stages in a custom chain reached by a jump below the drop',
      code: script([WAN_DROP, 'chain=input action=jump jump-target=knock in-interface-list=WAN', ACCEPT,
        S1.replace('chain=input', 'chain=knock'), S2.replace('chain=input', 'chain=knock'), S3.replace('chain=input', 'chain=knock')], 'export'),
      errors: [{ line: 5, relatedLine: 2 }, { line: 6 }, { line: 7 }],
      output: script(['chain=input action=jump jump-target=knock in-interface-list=WAN', WAN_DROP, ACCEPT,
        S1.replace('chain=input', 'chain=knock'), S2.replace('chain=input', 'chain=knock'), S3.replace('chain=input', 'chain=knock')], 'export'),
    },
    {
      name: 'a drop inside the custom chain, above the stages',
      code: script(['chain=input action=jump jump-target=knock in-interface-list=WAN', ACCEPT, WAN_DROP,
        'chain=knock action=drop protocol=tcp',
        S1.replace('chain=input', 'chain=knock'), S2.replace('chain=input', 'chain=knock'), S3.replace('chain=input', 'chain=knock')], 'export'),
      errors: [{ line: 6, relatedLine: 5 }, { line: 7 }, { line: 8 }],
    },
    {
      name: 'a drop created inside :if still counts',
      code: `:if ([:len [/system identity get name]] > 0) do={ /ip firewall filter add ${WAN_DROP} }
${script([S1, S2, S3, ACCEPT], 'oneliner')}`,
      errors: [{ line: 2, relatedLine: 1 }, { line: 3 }, { line: 4 }],
      output: null,
    },
  ],
});
