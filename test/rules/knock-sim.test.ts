// The knock-sim-* checks: verification of every knock sequence on the simulator.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { knockSimFails } from '../../server/src/rules/knock-sim-fails';
import { knockSimSlowGrants } from '../../server/src/rules/knock-sim-slow-grants';
import { knockSimScanCompletes } from '../../server/src/rules/knock-sim-scan-completes';
import { knockSimBlacklistBlocks } from '../../server/src/rules/knock-sim-blacklist-blocks';
import { GOOD_KNOCK } from '../../server/src/rules/util/examples';
import { findingsOf, ruleTester } from './tester';
import { lint } from '../../server/src/lint';
import { ACCEPT, S1, S2, S3, script, WAN_DROP } from './fixtures';

const BLACKLIST_TOP = 'add chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes comment="drop blacklisted"\n';
const BLACKLIST_FILL = `add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1m \\
    dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured disabled=yes
`;
const withBlacklist = (t: string) =>
  t.replace('/ip firewall filter\n', `/ip firewall filter\n${BLACKLIST_TOP}`).replace('add chain=input action=accept', `${BLACKLIST_FILL}add chain=input action=accept`);

ruleTester(knockSimFails, {
  valid: [
    { name: 'the clean knock', code: GOOD_KNOCK },
    { name: 'no knock at all', code: '/ip firewall filter\nadd chain=input action=drop in-interface-list=WAN\n' },
    { name: 'a knock whose final list grants nothing is knock-no-access, not a simulated failure', code: GOOD_KNOCK.replace(/add chain=input action=accept.*\n/, '') },
    {
      name: 'positions decided by the router (place-before an existing rule): not simulated',
      code: GOOD_KNOCK.replace('add chain=input action=drop in-interface-list=WAN', 'add chain=input action=drop in-interface-list=WAN place-before=[find comment="existing"]'),
    },
  ],
  invalid: [
    {
      name: 'a port-range drop above the stages catches stage 2',
      code: GOOD_KNOCK.replace('/ip firewall filter\n', '/ip firewall filter\nadd chain=input action=drop protocol=tcp dst-port=4000-5000\n'),
      errors: [{ line: 5, message: /fails at stage 2 of 3 \(tcp 4263\): the packet is dropped by the `drop` rule in chain input \(`protocol=tcp dst-port=4000-5000`\)/, relatedLine: 2 }],
    },
    {
      name: 'the accept below the WAN drop',
      code: GOOD_KNOCK.replace(
        'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\nadd chain=input action=drop in-interface-list=WAN comment="drop all from WAN"\n',
        'add chain=input action=drop in-interface-list=WAN comment="drop all from WAN"\nadd chain=input action=accept in-interface-list=WAN src-address-list=secured comment="knocked"\n',
      ),
      errors: [{ line: 9, message: /the knock completes .* port 22 is dropped by the `drop` rule "drop all from WAN"/, relatedLine: 8 }],
    },
    {
      name: 'stage 2 only on another interface',
      code: GOOD_KNOCK.replace('dst-port=4263 in-interface-list=WAN', 'dst-port=4263 in-interface=ether5'),
      errors: [{ line: 4, message: /stage 2 of 3 .*in-interface=ether5/ }],
    },
  ],
});

ruleTester(knockSimSlowGrants, {
  valid: [
    { name: 'the clean knock', code: GOOD_KNOCK },
    { name: 'a stage without a timeout is knock-timeout-missing\'s', code: GOOD_KNOCK.replace('address-list=knock1 address-list-timeout=30s', 'address-list=knock1') },
  ],
  invalid: [
    {
      name: 'a leftover copy of stage 1 with a day-long timeout',
      code: knockSimSlowGrants.examples.bad,
      errors: [{ line: 2, message: /waits 31s after stage 1 of 3 \(tcp 7391, timeout 30s\) still reaches `secured`: another rule also fills `knock1`/, relatedLine: 4 }],
    },
  ],
});

ruleTester(knockSimScanCompletes, {
  valid: [
    { name: 'the clean knock (random scans complete it only by luck: not reported)', code: GOOD_KNOCK },
    { name: 'strictly descending single ports are knock-sequential-ports\'s', code: GOOD_KNOCK.replace('dst-port=7391', 'dst-port=9991').replace('dst-port=4263', 'dst-port=8263') },
    { name: 'the guide\'s blacklist enabled stops the scanner', code: withBlacklist(GOOD_KNOCK.replace('dst-port=9127', 'dst-port=4263')).replace(/ disabled=yes/g, '') },
  ],
  invalid: [
    {
      name: 'two stages on the same port: one packet climbs both',
      code: GOOD_KNOCK.replace('dst-port=9127', 'dst-port=4263'),
      errors: [{ line: 2, message: /a descending scan of every tcp port .* reaches `secured`.*tcp 7391 at 5\.81 s → tcp 4263 at 6\.13 s → tcp 4263 at 6\.13 s; one packet climbs several stages/ }],
    },
    {
      name: 'a two-stage knock is always completed by one of the sequential scans',
      code: GOOD_KNOCK.replace(/add chain=input action=add-src-to-address-list address-list=knock2[^\n]*\n[^\n]*\n/, '').replace('src-address-list=knock2', 'src-address-list=knock1'),
      errors: [{ line: 2, message: /an ascending scan .*tcp 7391 at 0\.74 s → tcp 9127 at 0\.91 s/ }],
    },
    {
      name: 'a stage on a port range: a random scan gets in, and enabling the disabled blacklist would stop it',
      code: withBlacklist(GOOD_KNOCK.replace('dst-port=4263', 'dst-port=4000-4999').replace('dst-port=9127', 'dst-port=5127')),
      errors: [{ line: 3, message: /scan.*reaches `secured`.*enabling the disabled blacklist rules stops this scan/ }],
    },
  ],
});

ruleTester(knockSimBlacklistBlocks, {
  valid: [
    { name: 'the clean knock with the guide\'s blacklist', code: withBlacklist(GOOD_KNOCK) },
    { name: 'no blacklist', code: GOOD_KNOCK.replace('dst-port=4263', 'dst-port=14263') },
  ],
  invalid: [
    {
      name: 'a knock port inside the blacklisted range 10000-60000',
      code: withBlacklist(GOOD_KNOCK.replace('dst-port=4263', 'dst-port=14263')),
      errors: [{ line: 9, message: /with the blacklist rules enabled, the knock \(tcp 7391 → 14263 → 9127 from 198\.51\.100\.7, 1s apart\) fails at stage 3: this rule puts the knocking client \(198\.51\.100\.7\) in `blacklist`/, relatedLine: 2 }],
    },
  ],
});

test('the checks take the /export form and the hand-written form alike', () => {
  const code = GOOD_KNOCK.replace('dst-port=9127', 'dst-port=4263');
  const slash = code.replace('/ip firewall filter\n', '').replace(/^add /gm, '/ip/firewall/filter/add ');
  const msgs = (t: string) => findingsOf(knockSimScanCompletes, t).map((f) => f.message);
  assert.equal(msgs(code).length, 1);
  assert.deepEqual(msgs(slash), msgs(code));
});

test('the simulator agrees with knock-blacklist-catches-knock on rule order (a !knock1 scanner below or above stage 1)', () => {
  const NOT_KNOCK1 = 'chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d dst-port=1024-30000 in-interface-list=WAN protocol=tcp src-address-list=!knock1 disabled=yes';
  const BL = 'chain=input action=drop in-interface-list=WAN src-address-list=blacklist disabled=yes';
  const below = script([BL, S1, NOT_KNOCK1, S2, S3, ACCEPT, WAN_DROP], 'export');
  const above = script([BL, NOT_KNOCK1, S1, S2, S3, ACCEPT, WAN_DROP], 'export');
  const raw = (code: string) => lint(code, { mergeEvidence: false }).findings.map((f) => f.rule).filter((r) => /blacklist-(catches|blocks)/.test(r)).sort();
  assert.deepEqual(raw(below), []);
  assert.deepEqual(raw(above), ['knock-blacklist-catches-knock', 'knock-sim-blacklist-blocks']);
  // what the user sees above: one finding, the simulated knock as its evidence
  const shown = lint(above).findings.filter((f) => /blacklist-(catches|blocks)/.test(f.rule));
  assert.deepEqual(shown.map((f) => f.rule), ['knock-blacklist-catches-knock']);
  assert.ok(shown[0].related!.some((r) => /\(knock-sim-blacklist-blocks\)$/.test(r.message)));
});

test('RouterOS 6 address-list-timeout=0s means no expiry: the timeout check and the simulator agree', () => {
  const zero = script([S1.replace('=30s', '=0s'), S2, S3.replace('=30m', '=0s'), ACCEPT, WAN_DROP], 'export');
  const found = lint(zero, { mergeEvidence: false }).findings;
  assert.deepEqual(found.map((f) => `${f.rule}@${f.range.start.line + 1}`), ['knock-timeout-missing@2', 'knock-timeout-missing@4']);
  assert.match(found[0].message, /address-list-timeout=0s \(never expires\)/);
  const model = lint(zero).model;
  const s1 = model.tables.get('ip filter')!.rules[0];
  assert.equal(s1.addressListTimeout, 'none-dynamic');
  // v7 forms read the same way
  for (const v of ['none-dynamic', 'none-static']) {
    const m = lint(script([S1.replace('=30s', `=${v}`), S2, S3, ACCEPT, WAN_DROP], 'export'));
    assert.deepEqual(m.findings.map((f) => f.rule), ['knock-timeout-missing']);
  }
});
