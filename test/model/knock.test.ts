import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findBlacklists, findKnockSequences } from '../../server/src/model';
import type { KnockSequence } from '../../server/src/model/types';
import { label, modelOf, rsc } from './helpers';

function knocks(text: string): KnockSequence[] {
  return findKnockSequences(modelOf(text));
}

/** A compact view: stage lists with their link, the final list, the accepts. */
function view(k: KnockSequence): string {
  const stages = k.stages.map((s) => `${s.list}${s.link === 'ok' || s.link === 'first' ? '' : `(${s.link})`}${s.attached ? '*' : ''}`);
  return `${k.family} ${k.chain}: ${stages.join(' > ')} => [${k.accepts.map(label).join(',')}]`;
}

const F = '/ip firewall filter add';
const GUIDE_LINES = [
  `${F} action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp`,
  `${F} action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1`,
  `${F} action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2`,
  `${F} action=accept chain=input in-interface-list=WAN src-address-list=secured comment=acc`,
];
const GUIDE = rsc(...GUIDE_LINES);

test("the guide's three-stage setup", () => {
  const ks = knocks(GUIDE);
  assert.deepEqual(ks.map(view), ['ip input: knock1 > knock2 > secured => [acc]']);
  const [k] = ks;
  assert.equal(k.finalList, 'secured');
  assert.equal(k.complete, true);
  assert.deepEqual(k.brokenLinks, []);
  assert.deepEqual(k.stages.map((s) => s.ports), [[[888, 888]], [[555, 555]], [[222, 222]]]);
  assert.deepEqual(k.stages.map((s) => s.protocol), ['tcp', 'tcp', 'tcp']);
  assert.deepEqual(k.stages.map((s) => s.timeout), [30, 30, 1800]);
  assert.deepEqual(k.stages.map((s) => s.requires), [undefined, 'knock1', 'knock2']);
  assert.deepEqual(k.stages.map((s) => s.rule.source.range.start.line), [0, 1, 2]);
  assert.deepEqual(k.stages.map((s) => s.link), ['first', 'ok', 'ok']);
  assert.deepEqual(k.stages.map((s) => s.trigger), ['port', 'port', 'port']);
});

test('/export and v7 slash copies of the guide give the same sequence', () => {
  const exp = rsc(
    '# 2024-01-02 12:00:00 by RouterOS 7.12',
    '/ip firewall filter',
    'add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s \\',
    '    chain=input dst-port=888 in-interface-list=WAN protocol=tcp',
    'add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s \\',
    '    chain=input dst-port=555 in-interface-list=WAN protocol=tcp \\',
    '    src-address-list=knock1',
    'add action=add-src-to-address-list address-list=secured address-list-timeout=30m \\',
    '    chain=input dst-port=222 in-interface-list=WAN protocol=tcp \\',
    '    src-address-list=knock2',
    'add action=accept chain=input comment=acc in-interface-list=WAN src-address-list=secured',
  );
  const slash = GUIDE.replaceAll('/ip firewall filter add', '/ip/firewall/filter/add');
  assert.deepEqual(knocks(exp).map(view), ['ip input: knock1 > knock2 > secured => [acc]']);
  assert.deepEqual(knocks(slash).map(view), ['ip input: knock1 > knock2 > secured => [acc]']);
  assert.deepEqual(knocks(exp)[0].stages.map((s) => s.rule.source.range.start.line), [2, 4, 7]);
});

test('two and five stages, UDP, IPv6', () => {
  const two = rsc(
    '/ip firewall filter',
    'add chain=input protocol=udp dst-port=41001 action=add-src-to-address-list address-list=pk1 address-list-timeout=10s',
    'add chain=input protocol=udp dst-port=41002 src-address-list=pk1 action=add-src-to-address-list address-list=allowed address-list-timeout=1h',
    'add chain=input src-address-list=allowed protocol=tcp dst-port=22 action=accept comment=ssh',
  );
  const k2 = knocks(two);
  assert.deepEqual(k2.map(view), ['ip input: pk1 > allowed => [ssh]']);
  assert.deepEqual(k2[0].stages.map((s) => s.protocol), ['udp', 'udp']);

  const lines = ['/ip firewall filter'];
  const names = ['s1', 's2', 's3', 's4', 'ok'];
  names.forEach((n, i) => {
    lines.push(
      `add chain=input protocol=tcp dst-port=${[7001, 3002, 9003, 5004, 6005][i]} action=add-src-to-address-list address-list=${n} address-list-timeout=20s${i > 0 ? ` src-address-list=${names[i - 1]}` : ''}`,
    );
  });
  lines.push('add chain=input action=accept src-address-list=ok comment=acc');
  assert.deepEqual(knocks(rsc(...lines)).map(view), ['ip input: s1 > s2 > s3 > s4 > ok => [acc]']);

  const v6 = GUIDE.replaceAll('/ip firewall', '/ipv6 firewall');
  assert.deepEqual(knocks(v6).map(view), ['ipv6 input: knock1 > knock2 > secured => [acc]']);
  assert.deepEqual(knocks(GUIDE + v6).map(view), [
    'ip input: knock1 > knock2 > secured => [acc]',
    'ipv6 input: knock1 > knock2 > secured => [acc]',
  ]);
});

test('knock in a jump chain, stages written in reverse order (Im0nk3yar0und style)', () => {
  const text = rsc(
    '/ip firewall filter',
    'add action=accept chain=ssh_portKnocking comment=KnockedSuccessfully dst-port=22 protocol=tcp src-address-list=pk_sshAllow',
    'add action=jump chain=input comment="SSH Port Knocking" dst-port=9835,6738,6845 in-interface=bridge_lan jump-target=ssh_portKnocking protocol=tcp',
    'add action=add-src-to-address-list address-list=pk_sshAllow address-list-timeout=20s chain=ssh_portKnocking connection-state=new dst-port=9835 protocol=tcp src-address-list=pk_stage2',
    'add action=add-src-to-address-list address-list=pk_stage2 address-list-timeout=5s chain=ssh_portKnocking connection-state=new dst-port=6738 protocol=tcp src-address-list=pk_stage1',
    'add action=add-src-to-address-list address-list=pk_stage1 address-list-timeout=5s chain=ssh_portKnocking connection-state=new dst-port=6845 protocol=tcp',
    'add action=return chain=ssh_portKnocking comment="Return from SSH Port Knocking"',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip ssh_portKnocking: pk_stage1 > pk_stage2 > pk_sshAllow => [KnockedSuccessfully]']);
  assert.deepEqual(ks[0].stages.map((s) => s.ports), [[[6845, 6845]], [[6738, 6738]], [[9835, 9835]]]);
});

test('a stage without src-address-list: the earlier stage is attached and the link reported missing', () => {
  const lines = [...GUIDE_LINES];
  lines[1] = lines[1].replace(' src-address-list=knock1', '');
  const [k, ...rest] = knocks(rsc(...lines));
  assert.equal(rest.length, 0);
  assert.equal(view(k), 'ip input: knock1* > knock2(missing) > secured => [acc]');
  assert.deepEqual(k.brokenLinks, [{ stage: 1, kind: 'missing', expected: 'knock1', actual: undefined }]);
  assert.deepEqual(k.orphanStages.map((s) => s.list), ['knock1']);
  assert.equal(k.complete, false);
});

test('the last stage without src-address-list: both earlier stages attach in order', () => {
  const lines = [...GUIDE_LINES];
  lines[2] = lines[2].replace(' src-address-list=knock2', '');
  const ks = knocks(rsc(...lines));
  assert.deepEqual(ks.map(view), ['ip input: knock1* > knock2* > secured(missing) => [acc]']);
  assert.deepEqual(ks[0].brokenLinks.map((b) => [b.stage, b.kind, b.expected]), [[2, 'missing', 'knock2']]);
});

test('missing chaining with non-adjacent, differently ordered rules still attaches by list stem', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=knock-2 address-list-timeout=30s protocol=tcp dst-port=555',
    'add chain=input action=accept connection-state=established,related comment=est',
    'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m protocol=tcp dst-port=222 src-address-list=knock-2',
    'add chain=input action=accept src-address-list=secured comment=acc',
    'add chain=input action=drop comment=d',
    'add chain=input action=add-src-to-address-list address-list=knock-1 address-list-timeout=30s protocol=tcp dst-port=888',
  );
  assert.deepEqual(knocks(text).map(view), ['ip input: knock-1* > knock-2(missing) > secured => [acc]']);
});

test('a stage requiring a list nothing fills (typo): broken chain', () => {
  const lines = [...GUIDE_LINES];
  lines[1] = lines[1].replace('address-list=knock2', 'address-list=knok2');
  const ks = knocks(rsc(...lines));
  assert.deepEqual(ks.map(view), ['ip input: knock1* > knok2* > secured(unfilled) => [acc]']);
  assert.deepEqual(ks[0].brokenLinks, [{ stage: 2, kind: 'unfilled', expected: 'knok2', actual: 'knock2' }]);
});

test('a stage requiring an earlier list than the previous stage: the skipped stage stays in place, mismatch', () => {
  const lines = [...GUIDE_LINES];
  lines[2] = lines[2].replace('src-address-list=knock2', 'src-address-list=knock1');
  const ks = knocks(rsc(...lines));
  assert.deepEqual(ks.map(view), ['ip input: knock1 > knock2* > secured(mismatch) => [acc]']);
  assert.deepEqual(ks[0].brokenLinks, [{ stage: 2, kind: 'mismatch', expected: 'knock2', actual: 'knock1' }]);
});

test('a deleted middle stage: the final stage requires an unfilled list', () => {
  const ks = knocks(rsc(GUIDE_LINES[0], GUIDE_LINES[2], GUIDE_LINES[3]));
  assert.deepEqual(ks.map(view), ['ip input: knock1* > secured(unfilled) => [acc]']);
});

test('final list that nothing admits; disabled accept', () => {
  const none = knocks(rsc(...GUIDE_LINES.slice(0, 3)));
  assert.deepEqual(none.map(view), ['ip input: knock1 > knock2 > secured => []']);
  assert.equal(none[0].complete, false);
  assert.equal(none[0].finalUsedOutsideFirewall, false);

  const dis = knocks(rsc(...GUIDE_LINES.slice(0, 3), `${F} action=accept chain=input src-address-list=secured disabled=yes comment=off`));
  assert.deepEqual(dis.map(view), ['ip input: knock1 > knock2 > secured => []']);
  assert.deepEqual(dis[0].disabledAccepts.map(label), ['off']);
});

test('a final list a scheduler script reads is "used outside the firewall"', () => {
  const text = rsc(
    ...GUIDE_LINES.slice(0, 3).map((l) => l.replace('address-list=secured', 'address-list=token-hit')),
    '/system scheduler add name=poll interval=1s on-event=":foreach i in=[/ip firewall address-list find list=token-hit] do={ :log info \\$i }"',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip input: knock1 > knock2 > token-hit => []']);
  assert.equal(ks[0].finalUsedOutsideFirewall, true);
});

test('other grants: a drop of everything but the final list, a dst-nat for the final list', () => {
  const text = rsc(
    ...GUIDE_LINES.slice(0, 3),
    `${F} action=drop chain=input protocol=tcp dst-port=22 src-address-list=!secured comment=onlySecured`,
  );
  const ks = knocks(text);
  assert.equal(ks.length, 1);
  assert.deepEqual(ks[0].otherGrants.map(label), ['onlySecured']);
  assert.equal(ks[0].complete, true);
  const nat = knocks(rsc(...GUIDE_LINES.slice(0, 3), '/ip firewall nat add chain=dstnat action=dst-nat to-addresses=10.0.0.2 protocol=tcp dst-port=3389 src-address-list=secured comment=rdp'));
  assert.deepEqual(nat[0].otherGrants.map(label), ['rdp']);
});

test('refresh rules (re-adding a list they require) are not stages', () => {
  const text = rsc(
    '/ip firewall filter',
    'add action=add-src-to-address-list address-list=knock-1 address-list-timeout=1m30s chain=input dst-port=1111 protocol=tcp src-address-list=!block',
    'add action=add-src-to-address-list address-list=knock-2 address-list-timeout=5m chain=input dst-port=2222 protocol=tcp src-address-list=knock-1',
    'add action=add-src-to-address-list address-list=block address-list-timeout=9m chain=input dst-port=!1,2,3 in-interface-list=WAN protocol=tcp src-address-list=!knock-2',
    'add action=accept chain=input comment=acc dst-port=4,5 protocol=tcp src-address-list=knock-2',
    'add action=drop chain=input comment=blockDrop src-address-list=block',
    'add action=add-src-to-address-list address-list=knock-2 address-list-timeout=11m chain=forward comment=extend dst-port=6 protocol=tcp src-address-list=knock-2',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip input: knock-1 > knock-2 => [acc]']);
  assert.deepEqual(ks[0].refreshers.map(label), ['extend']);
  const bl = findBlacklists(modelOf(text));
  assert.deepEqual(bl.map((b) => [b.list, b.drops.map(label), b.fillers.length]), [['block', ['blockDrop'], 1]]);
});

test('packet-size and ICMP knocks', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input protocol=icmp packet-size=128 action=add-src-to-address-list address-list=ping1 address-list-timeout=10s',
    'add chain=input protocol=icmp packet-size=256 src-address-list=ping1 action=add-src-to-address-list address-list=trusted address-list-timeout=1h',
    'add chain=input src-address-list=trusted action=accept comment=acc',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip input: ping1 > trusted => [acc]']);
  assert.deepEqual(ks[0].stages.map((s) => [s.trigger, s.packetSize]), [['size', [128, 128]], ['size', [256, 256]]]);
});

test('a staged brute-force detector feeding a drop is a blacklist, not a knock', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input protocol=tcp dst-port=22 src-address-list=ssh_blacklist action=drop comment=dropBl',
    'add chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh_stage3 action=add-src-to-address-list address-list=ssh_blacklist address-list-timeout=10d',
    'add chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh_stage2 action=add-src-to-address-list address-list=ssh_stage3 address-list-timeout=1m',
    'add chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh_stage1 action=add-src-to-address-list address-list=ssh_stage2 address-list-timeout=1m',
    'add chain=input protocol=tcp dst-port=22 connection-state=new action=add-src-to-address-list address-list=ssh_stage1 address-list-timeout=1m',
    'add chain=input protocol=tcp dst-port=22 action=accept comment=ssh',
  );
  const m = modelOf(text);
  assert.deepEqual(findKnockSequences(m), []);
  const bl = findBlacklists(m);
  assert.equal(bl.length, 1);
  assert.equal(bl[0].list, 'ssh_blacklist');
  assert.deepEqual(bl[0].drops.map(label), ['dropBl']);
  assert.equal(bl[0].fillers.length, 1);
  assert.deepEqual(bl[0].feeders.map((r) => r.addressList), ['ssh_stage3', 'ssh_stage2', 'ssh_stage1']);
});

test('a port-scan detector with psd and a raw drop is a blacklist; the guide with its blacklist has one knock', () => {
  const text = rsc(
    ...GUIDE_LINES,
    `${F} action=drop chain=input disabled=yes in-interface-list=WAN src-address-list=blacklist comment=blDrop`,
    `${F} action=add-src-to-address-list address-list=blacklist address-list-timeout=1000m chain=input disabled=yes dst-port=666 in-interface-list=WAN protocol=tcp comment=bl1`,
    `${F} action=add-src-to-address-list address-list=blacklist address-list-timeout=1m chain=input disabled=yes dst-port=21,22,23,8291,10000-60000 in-interface-list=WAN protocol=tcp src-address-list=!secured comment=bl2`,
    `${F} action=add-src-to-address-list address-list=port_scanners address-list-timeout=2w chain=input protocol=tcp psd=21,3s,3,1 comment=psd`,
    '/ip firewall raw add chain=prerouting action=drop src-address-list=port_scanners comment=rawDrop',
  );
  const m = modelOf(text);
  assert.deepEqual(findKnockSequences(m).map(view), ['ip input: knock1 > knock2 > secured => [acc]']);
  const bl = findBlacklists(m);
  assert.deepEqual(
    bl.map((b) => [b.list, b.drops.map(label), b.fillers.map(label)]),
    [
      ['blacklist', ['blDrop'], ['bl1', 'bl2']],
      ['port_scanners', ['rawDrop'], ['psd']],
    ],
  );
});

test('not knocks: a lone "remember who hit this port" list, LAN client lists, add-dst lists', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input in-interface=bridge action=add-src-to-address-list address-list=lan_clients address-list-timeout=1h',
    'add chain=input src-address-list=lan_clients action=accept',
    'add chain=input protocol=tcp dst-port=8291 action=add-src-to-address-list address-list=winbox_users address-list-timeout=1d',
    'add chain=input src-address-list=winbox_users action=accept',
    'add chain=forward action=add-dst-to-address-list address-list=facebook dst-port=443 protocol=tcp',
    'add chain=forward action=accept dst-address-list=facebook',
  );
  assert.deepEqual(knocks(text), []);
});

test('a single stage named as a knock is a knock', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input protocol=udp dst-port=47123 action=add-src-to-address-list address-list=knocked address-list-timeout=1h',
    'add chain=input src-address-list=knocked action=accept comment=acc',
  );
  assert.deepEqual(knocks(text).map(view), ['ip input: knocked => [acc]']);
});

test('an unrelated detector next to the knock is not attached', () => {
  const lines = [...GUIDE_LINES];
  lines.splice(0, 0, `${F} action=add-src-to-address-list address-list=port-scan address-list-timeout=1d chain=input protocol=tcp dst-port=23`);
  assert.deepEqual(knocks(rsc(...lines)).map(view), ['ip input: knock1 > knock2 > secured => [acc]']);
});

test('dangling staged lists with no knock naming are ignored', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input protocol=tcp dst-port=22 connection-state=new action=add-src-to-address-list address-list=ssh_stage1 address-list-timeout=1m',
    'add chain=input protocol=tcp dst-port=22 connection-state=new src-address-list=ssh_stage1 action=add-src-to-address-list address-list=ssh_stage2 address-list-timeout=1m',
  );
  assert.deepEqual(knocks(text), []);
});

test('dynamic knock ports (facubertran style jump chain) are recognized with unknown ports', () => {
  const text = rsc(
    '/ip firewall filter',
    'add action=jump chain=input dst-port=($portknoking->"port1") jump-target=Recon protocol=tcp',
    'add action=jump chain=input dst-port=($portknoking->"port2") jump-target=Recon protocol=tcp',
    'add action=add-src-to-address-list address-list=F_Recon_Fase1 address-list-timeout=1m chain=Recon dst-port=($portknoking->"port1") protocol=tcp',
    'add action=add-src-to-address-list address-list=F_Permitido address-list-timeout=30m chain=Recon dst-port=($portknoking->"port2") protocol=tcp src-address-list=F_Recon_Fase1',
    'add action=jump chain=input jump-target=General',
    'add action=accept chain=General src-address-list=F_Permitido comment=acc',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip Recon: F_Recon_Fase1 > F_Permitido => [acc]']);
  assert.equal(ks[0].stages[0].ports, undefined);
  assert.equal(ks[0].stages[0].trigger, 'port');
});

// ----- missing chaining recognized by position, whatever the lists are called -----

test('IPv6: an unnamed stage directly above an unchained stage is its previous stage', () => {
  const text = rsc(
    '/ipv6 firewall filter',
    'add action=accept chain=input connection-state=established,related',
    'add action=add-src-to-address-list address-list=k6a address-list-timeout=30s chain=input dst-port=7342 in-interface-list=WAN protocol=tcp',
    'add action=add-src-to-address-list address-list=k6b address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=tcp',
    'add action=add-src-to-address-list address-list=sec6 address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=tcp src-address-list=k6b',
    'add action=accept chain=input in-interface-list=WAN src-address-list=sec6 comment=acc',
    'add action=drop chain=input in-interface-list=WAN',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ipv6 input: k6a* > k6b(missing) > sec6 => [acc]']);
  assert.deepEqual(ks[0].brokenLinks, [{ stage: 1, kind: 'missing', expected: 'k6a', actual: undefined }]);
});

test('UDP: an unchained final stage with a chained pair right above it is the last stage', () => {
  const text = rsc(
    '/ip firewall filter',
    'add action=add-src-to-address-list address-list=port1 address-list-timeout=30s chain=input dst-port=7342 in-interface-list=WAN protocol=udp',
    'add action=add-src-to-address-list address-list=port2 address-list-timeout=30s chain=input dst-port=4519 in-interface-list=WAN protocol=udp src-address-list=port1',
    'add action=add-src-to-address-list address-list=allowed address-list-timeout=30m chain=input dst-port=9121 in-interface-list=WAN protocol=udp',
    'add action=accept chain=input in-interface-list=WAN src-address-list=allowed comment=acc',
    'add action=drop chain=input in-interface-list=WAN',
  );
  const ks = knocks(text);
  assert.deepEqual(ks.map(view), ['ip input: port1* > port2* > allowed(missing) => [acc]']);
  assert.deepEqual(ks[0].brokenLinks, [{ stage: 2, kind: 'missing', expected: 'port2', actual: undefined }]);
  assert.equal(ks[0].stages[2].rule.source.range.start.line, 3);
});

test('no stage chained at all: every unnamed stage attaches, in rule order, across a comment and a log rule', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=ka address-list-timeout=30s protocol=udp dst-port=7342',
    '# second knock',
    'add chain=input action=log log-prefix=hit',
    'add chain=input action=add-src-to-address-list address-list=kb address-list-timeout=30s protocol=udp dst-port=4519',
    'add chain=input action=add-src-to-address-list address-list=ok address-list-timeout=30m protocol=udp dst-port=9121',
    'add chain=input action=accept src-address-list=ok comment=acc',
    'add chain=input action=drop in-interface-list=WAN',
  );
  assert.deepEqual(knocks(text).map(view), ['ip input: ka* > kb(missing)* > ok(missing) => [acc]']);
});

test('a sequence written bottom-up takes the unchained stage directly below its head', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=ok address-list-timeout=30m protocol=udp dst-port=9121 src-address-list=kb',
    'add chain=input action=add-src-to-address-list address-list=kb address-list-timeout=30s protocol=udp dst-port=4519',
    'add chain=input action=add-src-to-address-list address-list=ka address-list-timeout=30s protocol=udp dst-port=7342',
    'add chain=input action=accept src-address-list=ok comment=acc',
  );
  assert.deepEqual(knocks(text).map(view), ['ip input: ka* > kb(missing) > ok => [acc]']);
});

test('an unchained stage squeezed between two stages, the lower one requiring the upper one: mismatch', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=ka address-list-timeout=30s protocol=udp dst-port=7342',
    'add chain=input action=add-src-to-address-list address-list=kb address-list-timeout=30s protocol=udp dst-port=4519',
    'add chain=input action=add-src-to-address-list address-list=ok address-list-timeout=30m protocol=udp dst-port=9121 src-address-list=ka',
    'add chain=input action=accept src-address-list=ok comment=acc',
  );
  assert.deepEqual(knocks(text).map(view), ['ip input: ka > kb(missing)* > ok(mismatch) => [acc]']);
});

test('position alone does not attach: a terminal rule between, a port list, a long timeout, a blacklist name', () => {
  const stage2 = 'add chain=input action=add-src-to-address-list address-list=ok address-list-timeout=30m protocol=udp dst-port=9121';
  const accept = 'add chain=input action=accept src-address-list=ok comment=acc';
  const above = (rule: string, between = '') =>
    knocks(rsc('/ip firewall filter', rule, ...(between ? [between] : []), stage2, accept, 'add chain=input action=drop'));
  const orphan = 'add chain=input action=add-src-to-address-list address-list=ka address-list-timeout=30s protocol=udp dst-port=7342';
  // the positive control: the same orphan right above
  assert.deepEqual(above(orphan).map(view), ['ip input: ka* > ok(missing) => [acc]']);
  assert.deepEqual(above(orphan, 'add chain=input action=accept connection-state=established,related'), []);
  assert.deepEqual(above(orphan.replace('dst-port=7342', 'dst-port=21,22,23')), []);
  assert.deepEqual(above(orphan.replace('dst-port=7342', 'dst-port=1000-2000')), []);
  assert.deepEqual(above(orphan.replace('timeout=30s', 'timeout=1d')), []);
  // a logger of ssh hits (a service port) is not a stage by position alone
  assert.deepEqual(above(orphan.replace('dst-port=7342', 'dst-port=22').replace('protocol=udp', 'protocol=tcp')), []);
  assert.deepEqual(above(orphan.replace('list=ka', 'list=port-scanners')), []);
  // the orphan's list is used elsewhere (a mangle rule marks its routing): not an orphan stage
  assert.deepEqual(
    knocks(rsc('/ip firewall filter', orphan, stage2, accept, '/ip firewall mangle add chain=prerouting src-address-list=ka action=mark-routing new-routing-mark=x')),
    [],
  );
  // below the single stage: not its previous stage
  assert.deepEqual(knocks(rsc('/ip firewall filter', stage2, orphan, accept)), []);
});

test('loggers filling lists nothing uses are not knocks, neither are staged detectors feeding a drop', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=telnet-tries address-list-timeout=1d protocol=tcp dst-port=23',
    'add chain=input action=add-src-to-address-list address-list=rdp-tries protocol=tcp dst-port=3389',
    'add chain=input action=add-src-to-address-list address-list=ftp-tries address-list-timeout=1m protocol=tcp dst-port=21',
    'add chain=input action=add-src-to-address-list address-list=s1 address-list-timeout=1m protocol=tcp dst-port=2222 connection-state=new',
    'add chain=input action=add-src-to-address-list address-list=s2 address-list-timeout=1m protocol=tcp dst-port=2222 connection-state=new src-address-list=s1',
    'add chain=input action=add-src-to-address-list address-list=s3 address-list-timeout=1h protocol=tcp dst-port=2222 connection-state=new src-address-list=s2',
    'add chain=input action=drop src-address-list=s3',
    'add chain=input action=add-src-to-address-list address-list=vpn-ok address-list-timeout=10m protocol=udp dst-port=4500',
    'add chain=input action=accept src-address-list=vpn-ok',
    'add chain=input action=drop in-interface-list=WAN',
  );
  assert.deepEqual(knocks(text), []);
});
