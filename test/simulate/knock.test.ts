import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  planKnock,
  runKnock,
  runScan,
  slowGaps,
  verification,
  verifyBlacklist,
  verifyScans,
  verifySlow,
  Simulator,
  disabledBlacklistRules,
} from '../../server/src/simulate';
import { GUIDE, knocksOf, lineOf, rsc } from './helpers';

const KNOCK = (ports: [number, number, number], extra = '') =>
  rsc(
    '/ip firewall filter',
    extra,
    `add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s dst-port=${ports[0]} in-interface-list=WAN protocol=tcp`,
    `add chain=input action=add-src-to-address-list address-list=knock2 address-list-timeout=30s dst-port=${ports[1]} in-interface-list=WAN protocol=tcp src-address-list=knock1`,
    `add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m dst-port=${ports[2]} in-interface-list=WAN protocol=tcp src-address-list=knock2`,
    'add chain=input action=accept in-interface-list=WAN src-address-list=secured',
    'add chain=input action=drop in-interface-list=WAN',
  );

test('the guide: the intended knock grants port 22; the plan knocks from the WAN list the rules name', () => {
  const { model, knocks } = knocksOf(GUIDE);
  const plan = planKnock(model, knocks[0]);
  assert.deepEqual(plan.stages.map((s) => [s.packet.protocol, s.packet.dstPort]), [['tcp', 888], ['tcp', 555], ['tcp', 222]]);
  assert.deepEqual(plan.base.inInterfaceLists, ['WAN']);
  assert.equal(plan.protectedPort, 22);
  const run = runKnock(model, plan);
  assert.deepEqual(run.gaps, [1, 1, 1]);
  assert.equal(run.access, true);
  assert.equal(run.reached, 3);
  assert.equal(run.failure, undefined);
  assert.deepEqual(run.traces.map((t) => t.verdict), ['drop', 'drop', 'accept', 'accept']);
});

test('the guide too slowly: 31 s after stage 1 or stage 2 the client is not in `secured`', () => {
  const { model, knocks } = knocksOf(GUIDE);
  const v = verification(model, knocks[0])!;
  const slow = verifySlow(model, v);
  assert.deepEqual(slow.map((s) => [s.stage, s.run.gaps[s.stage], s.run.final]), [[0, 31, false], [1, 31, false]]);
  assert.match(slow[0].run.failure!.reason, /src-address-list=knock1 \(the entry added at 0s expired\)/);
  assert.equal(slowGaps(v.plan, 2)?.[2], 1801);
});

test('the guide: the descending scan and two of the seeded random scans complete it, the ascending scan does not', () => {
  const { model, knocks } = knocksOf(GUIDE);
  const v = verification(model, knocks[0])!;
  const scans = verifyScans(model, v);
  assert.deepEqual(scans.map((s) => [s.scan.kind, s.granted]), [
    ['ascending', false],
    ['descending', true],
    ['random', true],
    ['random', false],
    ['random', true],
  ]);
  const desc = scans[1];
  assert.deepEqual(desc.advances.map((a) => a.port), [888, 555, 222]);
  assert.equal(desc.packets, 65535 - 222 + 1, 'the scan stops at the grant');
  assert.equal(desc.climbed, false);
  // with the guide's blacklist enabled, the first scanned port in 10000-60000 blacklists the scanner
  const bl = disabledBlacklistRules(model, 'ip');
  assert.equal(bl.size, 3);
  assert.equal(runScan(model, v.plan, { kind: 'descending' }, { enable: bl }).granted, false);
});

test('the guide with its blacklist enabled: the knock still works (888, 555, 222 are outside the blacklisted ports)', () => {
  const { model, knocks } = knocksOf(GUIDE);
  const v = verification(model, knocks[0])!;
  assert.equal(verifyBlacklist(model, v)?.run.access, true);
  // a knock port inside 10000-60000 gets the knocker blacklisted at that stage, and the next knock dropped
  const bad = knocksOf(GUIDE.replace('dst-port=555', 'dst-port=15555'));
  const bv = verification(bad.model, bad.knocks[0])!;
  const run = verifyBlacklist(bad.model, bv)!.run;
  assert.equal(run.access, false);
  assert.equal(run.failure?.stage, 2);
  assert.equal(lineOf(run.failure?.blockedBy), 2);
  assert.ok(run.traces[1].changes.some((c) => c.list === 'blacklist' && lineOf(c.rule) === 8));
});

test('failures name the stage and the rule: a drop above stage 2', () => {
  const { model, knocks } = knocksOf(KNOCK([7391, 4263, 9127], 'add chain=input action=drop protocol=tcp dst-port=4000-5000 comment="vnc"'));
  const run = verification(model, knocks[0])!.intended!;
  assert.equal(run.access, false);
  assert.equal(run.reached, 1);
  assert.equal(run.failure?.stage, 1);
  assert.equal(lineOf(run.failure?.blockedBy), 2);
  assert.match(run.failure!.reason, /dropped by the `drop` rule "vnc" before it reaches the stage/);
});

test('failures: the accept below the WAN drop (the knock completes, the connection does not)', () => {
  const text = KNOCK([7391, 4263, 9127]).replace(
    'add chain=input action=accept in-interface-list=WAN src-address-list=secured\nadd chain=input action=drop in-interface-list=WAN\n',
    'add chain=input action=drop in-interface-list=WAN comment="wan drop"\nadd chain=input action=accept in-interface-list=WAN src-address-list=secured\n',
  );
  const { model, knocks } = knocksOf(text);
  const run = verification(model, knocks[0])!.intended!;
  assert.equal(run.final, true);
  assert.equal(run.access, false);
  assert.equal(run.failure?.stage, 3);
  assert.match(run.failure!.reason, /the knock completes \(198\.51\.100\.7 is in `secured`\) but a new tcp connection to port 22 is dropped by the `drop` rule "wan drop"/);
});

test('failures: layer7 on a TCP stage never matches (a SYN has no payload); on UDP the passphrase is sent', () => {
  const l7 = '/ip firewall layer7-protocol add name=pass regexp="^passphrase\\$"\n';
  const tcp = knocksOf(l7 + KNOCK([7391, 4263, 9127]).replace('dst-port=4263', 'dst-port=4263 layer7-protocol=pass'));
  const run = verification(tcp.model, tcp.knocks[0])!.intended!;
  assert.equal(run.failure?.stage, 1);
  assert.match(run.failure!.reason, /layer7-protocol=pass \(a TCP connection attempt carries no payload\)/);
  const udp = knocksOf(l7 + KNOCK([7391, 4263, 9127]).replace('dst-port=4263 in-interface-list=WAN protocol=tcp', 'dst-port=4263 in-interface-list=WAN protocol=udp layer7-protocol=pass'));
  const plan = planKnock(udp.model, udp.knocks[0]);
  assert.deepEqual(plan.stages[1].packet.payload, 'passphrase');
  assert.equal(runKnock(udp.model, plan).access, true);
});

test('a layer7 pattern that is not a plain passphrase: the sequence is not claimed either way', () => {
  const { model, knocks } = knocksOf('/ip firewall layer7-protocol add name=pass regexp="^(a|b)+\\$"\n' + KNOCK([7391, 4263, 9127]).replace('dst-port=4263 in-interface-list=WAN protocol=tcp', 'dst-port=4263 in-interface-list=WAN protocol=udp layer7-protocol=pass'));
  const v = verification(model, knocks[0])!;
  assert.equal(v.intended, undefined);
  assert.match(v.plan.problems[0], /not a plain passphrase/);
});

test('overlapping stages: one packet climbs two stages, and the descending scan says so', () => {
  const { model, knocks } = knocksOf(KNOCK([7391, 4263, 4263]));
  const v = verification(model, knocks[0])!;
  const desc = verifyScans(model, v)[1];
  assert.equal(desc.granted, true);
  assert.equal(desc.climbed, true);
  assert.deepEqual(desc.advances.map((a) => a.port), [7391, 4263, 4263]);
});

test('a knock reached through a jump, and an IPv6 knock, are simulated from their own entry', () => {
  const jump = knocksOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=knock in-interface=ether1',
      'add chain=input action=accept src-address-list=secured',
      'add chain=input action=drop in-interface=ether1',
      'add chain=knock action=add-src-to-address-list address-list=k1 address-list-timeout=20s protocol=udp dst-port=5001',
      'add chain=knock action=add-src-to-address-list address-list=secured address-list-timeout=1h protocol=udp dst-port=6002 src-address-list=k1',
    ),
  );
  const jr = verification(jump.model, jump.knocks[0])!.intended!;
  assert.equal(jr.plan.base.inInterface, 'ether1');
  assert.equal(jr.access, true);
  const v6 = knocksOf(KNOCK([7391, 4263, 9127]).replace('/ip firewall filter', '/ipv6 firewall filter'));
  const r6 = verification(v6.model, v6.knocks[0])!.intended!;
  assert.equal(r6.plan.source, '2001:db8:5::7');
  assert.equal(r6.access, true);
});

// ---------------------------------------------------------------------------------------------
// Property: random packet sequences reach the final list exactly when they contain the stage ports
// in order, each within the previous stage's timeout.

const PORTS: [number, number, number] = [7391, 4263, 9127];
const T = [30, 30];

/** Oracle: is there i<j<k with ports p1,p2,p3 and t(j)-t(i) < 30, t(k)-t(j) < 30? */
function containsKnock(pkts: Array<{ port: number; time: number }>): boolean {
  // last time each stage could have been reached, scanning left to right (refresh = latest hit)
  let s1 = -Infinity;
  let s2 = -Infinity;
  for (const p of pkts) {
    if (p.port === PORTS[2] && p.time - s2 < T[1]) return true;
    if (p.port === PORTS[1] && p.time - s1 < T[0]) s2 = p.time;
    if (p.port === PORTS[0]) s1 = p.time;
  }
  return false;
}

test('property: random packet sequences never reach the final list unless they contain the stage ports in order within the timeouts (and always do when they do)', () => {
  const { model } = knocksOf(KNOCK(PORTS));
  const packet = fc.record({
    port: fc.oneof(fc.constantFrom(...PORTS), fc.constantFrom(22, 80, 4264, 9126), fc.integer({ min: 1, max: 65535 })),
    wait: fc.oneof(fc.double({ min: 0, max: 5, noNaN: true }), fc.double({ min: 25, max: 40, noNaN: true })),
  });
  fc.assert(
    fc.property(fc.array(packet, { maxLength: 25 }), (steps) => {
      const sim = new Simulator(model);
      let t = 0;
      const pkts = steps.map((s) => ({ port: s.port, time: (t += s.wait) }));
      for (const p of pkts) sim.sendFast({ src: '198.51.100.7', protocol: 'tcp', dstPort: p.port, time: p.time, inInterfaceLists: ['WAN'] });
      const reached = sim.inList('secured', '198.51.100.7', t);
      return reached === containsKnock(pkts);
    }),
    { numRuns: 400, seed: 42 },
  );
});

test('the plan satisfies what the jump into the knock chain asks (MAC, interface) and sends content= as the payload', () => {
  const { model, knocks } = knocksOf(
    rsc(
      '/ip firewall filter',
      'add chain=input action=jump jump-target=pk protocol=udp in-interface=bridge src-mac-address=AA:BB:CC:DD:EE:FF',
      'add chain=input action=accept src-address-list=ok',
      'add chain=input action=drop',
      'add chain=pk action=add-src-to-address-list address-list=pk1 address-list-timeout=10s protocol=udp dst-port=41001',
      'add chain=pk action=add-src-to-address-list address-list=ok address-list-timeout=1h protocol=udp dst-port=41002 content="token-v1" src-address-list=pk1',
    ),
  );
  const plan = planKnock(model, knocks[0]);
  assert.equal(plan.base.inInterface, 'bridge');
  assert.equal(plan.base.srcMac, 'AA:BB:CC:DD:EE:FF');
  assert.equal(plan.stages[1].packet.payload, 'token-v1');
  assert.equal(runKnock(model, plan).access, true);
});

test('without interface conditions on the knock, packets come from the WAN the drops name; disabled stages are not simulated', () => {
  const text = rsc(
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=k1 address-list-timeout=30s protocol=tcp dst-port=7391',
    'add chain=input action=add-src-to-address-list address-list=ok address-list-timeout=1h protocol=tcp dst-port=4263 src-address-list=k1',
    'add chain=input action=accept src-address-list=ok',
    'add chain=input action=drop in-interface-list=WAN',
  );
  const { model, knocks } = knocksOf(text);
  assert.deepEqual(planKnock(model, knocks[0]).base.inInterfaceLists, ['WAN']);
  assert.equal(verification(model, knocks[0])!.intended!.access, true);
  const off = knocksOf(text.replace('dst-port=4263', 'dst-port=4263 disabled=yes'));
  assert.equal(verification(off.model, off.knocks[0]), undefined);
});
