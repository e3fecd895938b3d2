// knock-blacklist-untested, knock-blacklist-catches-knock and knock-blacklist-order.
import { knockBlacklistCatchesKnock } from '../../server/src/rules/knock-blacklist-catches-knock';
import { knockBlacklistOrder } from '../../server/src/rules/knock-blacklist-order';
import { knockBlacklistUntested } from '../../server/src/rules/knock-blacklist-untested';
import { ruleTester } from './tester';
import { ACCEPT, GUIDE_RULES, lineOf, S1, S2, S3, script, STYLES, WAN_DROP } from './fixtures';

const BL_DROP = 'chain=input action=drop in-interface-list=WAN src-address-list=blacklist';
const BAD_PORT = 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m dst-port=666 in-interface-list=WAN protocol=tcp';
const SCAN = 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1m dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured';
const KNOCK = [S1, S2, S3, ACCEPT];
// The guide's "Brute-Force Prevention (Complementary)" section, as written (enabled).
const SSH_BRUTE = [
  'chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh-brute action=drop comment="drop ssh bruteforce"',
  'chain=input protocol=tcp dst-port=22 connection-state=new action=add-src-to-address-list address-list=ssh-brute address-list-timeout=30m connection-limit=3,32 comment="detect ssh bruteforce"',
];
// A staged ssh brute-force detector (3 attempts in a minute each), its list dropped everywhere.
const SSH_STAGED = (chain: string) => [
  `chain=${chain} action=add-src-to-address-list address-list=ssh_blacklist address-list-timeout=1w connection-state=new dst-port=22 protocol=tcp src-address-list=ssh_stage2`,
  `chain=${chain} action=add-src-to-address-list address-list=ssh_stage2 address-list-timeout=1m connection-state=new dst-port=22 protocol=tcp src-address-list=ssh_stage1`,
  `chain=${chain} action=add-src-to-address-list address-list=ssh_stage1 address-list-timeout=1m connection-state=new dst-port=22 protocol=tcp`,
];
const SSH_BL_DROP = 'chain=input action=drop src-address-list=ssh_blacklist';
const SSH_ACCEPT = 'chain=input action=accept in-interface-list=WAN protocol=tcp dst-port=22 src-address-list=secured';

ruleTester(knockBlacklistUntested, {
  valid: [
    knockBlacklistUntested.examples.good,
    ...STYLES.map((s) => ({ name: `the guide's setup (${s})`, code: script(GUIDE_RULES, s) })),
    { name: 'no knock in the file', code: script([BL_DROP, BAD_PORT, WAN_DROP], 'export') },
    {
      name: 'a later set disables the filler',
      code: script([BL_DROP, ...KNOCK, BAD_PORT + ' comment=bad', WAN_DROP], 'export') + 'set [find comment=bad] disabled=yes\n',
    },
    { name: 'a list filled but used by no drop is no blacklist', code: script([...KNOCK, BAD_PORT.replace('blacklist', 'watch'), WAN_DROP], 'export') },
    {
      name: 'the guide\'s brute-force prevention runs beside the knock, enabled (connection-limit detector)',
      code: script([...SSH_BRUTE, ...KNOCK, WAN_DROP], 'export'),
    },
    {
      name: 'a staged ssh brute-force detector (3 attempts) with the knocked ssh accepted above it',
      code: script([SSH_BL_DROP, S1, S2, S3, SSH_ACCEPT, ...SSH_STAGED('input'), WAN_DROP], 'export'),
    },
    {
      name: 'the detector lives in a chain reached only by ssh from the LAN',
      code: script([SSH_BL_DROP, 'chain=input action=jump jump-target=ssh-bf protocol=tcp dst-port=22,2222 in-interface-list=LAN',
        ...SSH_STAGED('ssh-bf'), 'chain=ssh-bf action=return', ...KNOCK, WAN_DROP], 'export'),
    },
    {
      name: 'the detector\'s chain is reached by a jump to a port computed at run time',
      code: `:global sshPort 22
${script([SSH_BL_DROP, ...KNOCK,
        'chain=input action=jump jump-target=ssh-bf protocol=tcp dst-port=$sshPort', ...SSH_STAGED('ssh-bf').map((r) => r.replace(' dst-port=22', '')), WAN_DROP], 'export')}`,
    },
    { name: 'a trap on the LAN side cannot catch a WAN knocker', code: script([BL_DROP, ...KNOCK, BAD_PORT.replace('=WAN', '=LAN'), WAN_DROP], 'export') },
    {
      name: 'a blacklist dropped only on the LAN cannot lock out the WAN knocker',
      code: script([BL_DROP.replace('=WAN', '=LAN'), ...KNOCK, BAD_PORT, WAN_DROP], 'export'),
    },
    {
      name: 'a SYN-flood counter in the forward chain never sees the knocks',
      code: script([BL_DROP, ...KNOCK, 'chain=forward action=add-src-to-address-list address-list=blacklist in-interface-list=WAN protocol=tcp tcp-flags=syn connection-state=new connection-limit=80,32', WAN_DROP], 'export'),
    },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockBlacklistUntested.examples.bad,
      errors: [{ line: 11, endLine: 12, message: /fills "blacklist"/ }],
      safe: true,
      output: knockBlacklistUntested.examples.bad.replace('comment="bad port"', 'comment="bad port" disabled=yes'),
    },
    ...STYLES.map((s) => ({
      name: `both guide fillers enabled (${s})`,
      code: script([BL_DROP, ...KNOCK, BAD_PORT, SCAN, WAN_DROP], s),
      errors: [{ line: lineOf(5, s) }, { line: lineOf(6, s) }],
      output: script([BL_DROP, ...KNOCK, BAD_PORT + ' disabled=yes', SCAN, WAN_DROP], s),
    })),
    {
      name: 'disabled=no is turned into disabled=yes',
      code: script([BL_DROP, ...KNOCK, BAD_PORT + ' disabled=no', WAN_DROP], 'export'),
      errors: [{ line: 7 }],
      output: script([BL_DROP, ...KNOCK, BAD_PORT + ' disabled=yes', WAN_DROP], 'export'),
    },
    {
      name: 'a later enable command turns the filler on (no text fix: the enable may name others)',
      code: script([BL_DROP, ...KNOCK, BAD_PORT + ' disabled=yes comment=bad', WAN_DROP], 'export') + 'enable [find comment=bad]\n',
      errors: [{ line: 7 }],
      output: null,
    },
    {
      name: 'the drop lives in the raw table',
      code: script(['chain=prerouting action=drop src-address-list=blacklist'], 'oneliner', 'ip firewall raw') +
        script([...KNOCK, BAD_PORT, WAN_DROP], 'oneliner'),
      errors: [{ line: 6 }],
    },
    {
      name: 'the guide\'s trap port is reported even when the knocked access is ssh only (one stray probe blacklists)',
      code: script([BL_DROP, S1, S2, S3, SSH_ACCEPT, BAD_PORT, WAN_DROP], 'export'),
      errors: [{ line: 7 }],
      output: script([BL_DROP, S1, S2, S3, SSH_ACCEPT, BAD_PORT + ' disabled=yes', WAN_DROP], 'export'),
    },
    {
      name: 'a staged detector on every new WAN connection counts the knocks themselves',
      code: script([BL_DROP, ...KNOCK,
        'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d connection-state=new in-interface-list=WAN src-address-list=new2',
        'chain=input action=add-src-to-address-list address-list=new2 address-list-timeout=10s connection-state=new in-interface-list=WAN src-address-list=new1',
        'chain=input action=add-src-to-address-list address-list=new1 address-list-timeout=10s connection-state=new in-interface-list=WAN', WAN_DROP], 'export'),
      errors: [{ line: 7 }],
    },
    {
      name: 'a SYN-flood counter on the input chain sees the knocks',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist in-interface-list=WAN protocol=tcp tcp-flags=syn connection-state=new connection-limit=50,32', WAN_DROP], 'export'),
      errors: [{ line: 7 }],
    },
    {
      name: 'a psd port-scan detector (the guide\'s reason for a blacklist: scans)',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d protocol=tcp psd=21,3s,3,1 in-interface-list=WAN', WAN_DROP], 'slash'),
      errors: [{ line: 6 }],
    },
    {
      name: 'a staged ssh detector is no knock blacklist, but a trap port feeding the same list is',
      code: script([SSH_BL_DROP, S1, S2, S3, ...SSH_STAGED('input'), SSH_ACCEPT, BAD_PORT.replace('address-list=blacklist', 'address-list=ssh_blacklist'), WAN_DROP], 'export'),
      errors: [{ line: 10, message: /fills "ssh_blacklist"/ }],
    },
  ],
});

ruleTester(knockBlacklistCatchesKnock, {
  valid: [
    knockBlacklistCatchesKnock.examples.good,
    ...STYLES.map((s) => ({ name: `the guide's setup (${s})`, code: script(GUIDE_RULES, s) })),
    {
      name: 'a port-scan detector (psd) does not fire on a three-port knock',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d protocol=tcp psd=21,3s,3,1 in-interface-list=WAN', WAN_DROP], 'export'),
    },
    {
      name: 'a blacklist rule for invalid connections only',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist connection-state=invalid in-interface-list=WAN', WAN_DROP], 'export'),
    },
    {
      name: 'a blacklist rule for UDP while the knock is TCP',
      code: script([BL_DROP, ...KNOCK, SCAN.replace('protocol=tcp', 'protocol=udp').replace('10000-60000', '1024-60000'), WAN_DROP], 'export'),
    },
    {
      name: 'a blacklist rule for the forward chain',
      code: script([BL_DROP, ...KNOCK, SCAN.replace('chain=input', 'chain=forward').replace('10000-60000', '1024-60000'), WAN_DROP], 'export'),
    },
    {
      name: 'an XMAS-scan detector (tcp-flags) does not match a SYN',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist protocol=tcp tcp-flags=fin,psh,urg,!syn,!rst,!ack in-interface-list=WAN', WAN_DROP], 'export'),
    },
  ],
  invalid: [
    {
      name: 'meta example: the scan range covers the knock ports',
      code: knockBlacklistCatchesKnock.examples.bad,
      errors: [{ line: 11, relatedLine: 3, message: /matches knock stage "knock1" and 1 more/ }],
      safe: false,
      output: knockBlacklistCatchesKnock.examples.bad.replace('1024-60000', '1024-4262,4264-7390,7392-60000'),
    },
    ...STYLES.map((s) => ({
      name: `a disabled bad-port rule on the second knock port (${s})`,
      code: script([BL_DROP + ' disabled=yes', ...KNOCK, BAD_PORT.replace('dst-port=666', 'dst-port=4263') + ' disabled=yes', WAN_DROP], s),
      errors: [{ line: lineOf(5, s), relatedLine: lineOf(2, s) }],
    })),
    {
      name: 'a rule for every port from sources not yet knocked',
      code: script([BL_DROP, ...KNOCK, 'chain=input action=add-src-to-address-list address-list=blacklist in-interface-list=WAN protocol=tcp src-address-list=!secured disabled=yes', WAN_DROP], 'export'),
      errors: [{ line: 7 }],
      output: null,
    },
  ],
});

ruleTester(knockBlacklistOrder, {
  valid: [
    knockBlacklistOrder.examples.good,
    ...STYLES.map((s) => ({ name: `the guide's setup (${s})`, code: script(GUIDE_RULES, s) })),
    {
      name: 'the blacklist drop in the raw table comes first anyway',
      code: script(['chain=prerouting action=drop src-address-list=blacklist'], 'oneliner', 'ip firewall raw') +
        script([...KNOCK, BAD_PORT + ' disabled=yes', WAN_DROP], 'oneliner'),
    },
    {
      name: 'a blacklist drop for another service does not meet the knocks',
      code: script([...KNOCK, 'chain=input action=drop protocol=tcp dst-port=22 src-address-list=ssh-brute', 'chain=input action=add-src-to-address-list address-list=ssh-brute protocol=tcp dst-port=22 connection-limit=3,32 disabled=yes', WAN_DROP], 'export'),
    },
    {
      name: 'an ssh blacklist dropped in the ssh chain (jump to a port computed at run time) below the knocks',
      code: `:global sshPort 22\n${script([...KNOCK, 'chain=input action=jump jump-target=ssh-bf protocol=tcp dst-port=$sshPort',
        'chain=ssh-bf action=drop src-address-list=ssh_blacklist', ...SSH_STAGED('ssh-bf').map((r) => r.replace(' dst-port=22', '')), WAN_DROP], 'export')}`,
    },
    {
      name: 'an ssh blacklist dropped in a chain reached only by tcp 22, below the knocks',
      code: script([...KNOCK, 'chain=input action=jump jump-target=ssh-bf protocol=tcp dst-port=22',
        'chain=ssh-bf action=drop src-address-list=ssh_blacklist', ...SSH_STAGED('ssh-bf'), WAN_DROP], 'export'),
    },
    {
      name: 'placed on top with place-before=0',
      code: script([...KNOCK, BAD_PORT + ' disabled=yes', WAN_DROP, BL_DROP + ' place-before=0'], 'export'),
    },
    {
      name: 'the blacklist drop is placed at an unknown position',
      code: script([...KNOCK, BAD_PORT + ' disabled=yes', WAN_DROP, BL_DROP + ' place-before=[find comment=defconf]'], 'export'),
    },
  ],
  invalid: [
    {
      name: 'meta example',
      code: knockBlacklistOrder.examples.bad,
      errors: [{ line: 10, relatedLine: 2, message: /blacklist "blacklist" is below the knock stages/ }],
      safe: true,
      output: knockBlacklistOrder.examples.good,
    },
    ...STYLES.map((s) => ({
      name: `blacklist drop below the stages (${s})`,
      code: script([...KNOCK, BL_DROP, BAD_PORT + ' disabled=yes', WAN_DROP], s),
      errors: [{ line: lineOf(4, s), relatedLine: lineOf(0, s) }],
      output: script([BL_DROP, ...KNOCK, BAD_PORT + ' disabled=yes', WAN_DROP], s),
    })),
    {
      name: 'between the stages',
      code: script([S1, BL_DROP, S2, S3, ACCEPT, BAD_PORT + ' disabled=yes', WAN_DROP], 'export'),
      errors: [{ line: 3, relatedLine: 2 }],
      output: script([BL_DROP, S1, S2, S3, ACCEPT, BAD_PORT + ' disabled=yes', WAN_DROP], 'export'),
    },
    {
      name: 'the blacklist reject sits in a general chain jumped to after the knock chain',
      code: script(['chain=input action=jump jump-target=knock', ...[S1, S2, S3].map((r) => r.replace('chain=input', 'chain=knock')), 'chain=knock action=return',
        'chain=input action=jump jump-target=general', 'chain=general action=accept src-address-list=secured',
        'chain=general action=reject src-address-list=blacklist', BAD_PORT + ' disabled=yes', WAN_DROP], 'export'),
      errors: [{ line: 9, relatedLine: 3 }],
      output: null,
    },
  ],
});

// Order counts (issue 10, disagreement 4): add-src-to-address-list takes effect at once, so a scanner
// rule `src-address-list=!knock1` below stage 1 sees the stage-1 packet already in knock1. The static
// check and the simulator (--enable-blacklist) agree.
const NOT_KNOCK1 = 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d dst-port=1024-30000 in-interface-list=WAN protocol=tcp src-address-list=!knock1 disabled=yes';
ruleTester(knockBlacklistCatchesKnock, {
  valid: [
    { name: 'a !knock1 scanner rule below stage 1 does not catch the knocker', code: script([BL_DROP + ' disabled=yes', S1, NOT_KNOCK1, S2, S3, ACCEPT, WAN_DROP], 'export') },
  ],
  invalid: [
    {
      name: 'the same rule above stage 1 catches the stage-1 packet',
      code: script([BL_DROP + ' disabled=yes', NOT_KNOCK1, S1, S2, S3, ACCEPT, WAN_DROP], 'export'),
      errors: [{ line: 3, column: 1, relatedLine: 4, message: /matches knock stage "knock1" for a client/ }],
    },
  ],
});
