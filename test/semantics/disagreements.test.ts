// The disagreements issue 10 lists between the static reasoning and the simulator, each as a real
// snippet: the static side (semantics reach sets and model/reason.ts) now gives the simulator's answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../../server/src/parser';
import { buildModel, hiddenBy } from '../../server/src/model';
import type { FirewallModel, Match, Rule } from '../../server/src/model/types';
import { cellOf, reachOf, ruleReach, setOf } from '../../server/src/semantics';
import { Simulator } from '../../server/src/simulate';
import type { SimPacket } from '../../server/src/simulate/types';

function modelOf(...lines: string[]): FirewallModel {
  const text = lines.join('\n') + '\n';
  return buildModel(parse(text), text);
}
function byComment(m: FirewallModel, c: string): Rule {
  for (const t of m.tables.values()) for (const r of t.rules) if (r.comment === c) return r;
  throw new Error(`no rule ${c}`);
}
const WAN_LISTS = ['/interface list add name=WAN', '/interface list member add list=WAN interface=ether1'];
const KNOCK = [
  'add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s in-interface-list=WAN protocol=tcp dst-port=7391 comment=s1',
  'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m in-interface-list=WAN protocol=tcp dst-port=4263 src-address-list=knock1 comment=s2',
  'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment=grant',
  'add chain=input action=drop in-interface-list=WAN comment=wanDrop',
];
const wanPacket = (port: number, time = 0, extra: Partial<SimPacket> = {}): SimPacket => ({
  time, src: '198.51.100.7', protocol: 'tcp', dstPort: port, inInterface: 'ether1', ...extra,
});
const NEW_FROM_WAN: Match = { connectionState: { negated: false, value: ['new'] }, inInterfaceList: { negated: false, value: 'WAN' }, other: {} };

/** The simulated knock (7391 then 4263) and the connection to 22: accepted? */
function knockWorks(m: FirewallModel): boolean {
  const sim = new Simulator(m);
  sim.send(wanPacket(7391, 0));
  sim.send(wanPacket(4263, 1));
  return sim.inList('secured', '198.51.100.7', 2);
}

test('1. a drop of dst-address-type=local above the knock hides it (raw and filter), as the simulator shows', () => {
  for (const drop of [
    ['/ip firewall raw add chain=prerouting action=drop dst-address-type=local in-interface-list=WAN comment=localDrop', '/ip firewall filter'],
    ['/ip firewall filter', 'add chain=input action=drop dst-address-type=local in-interface-list=WAN comment=localDrop'],
  ]) {
    const m = modelOf(...WAN_LISTS, ...drop, ...KNOCK);
    assert.equal(knockWorks(m), false);
    assert.equal(hiddenBy(byComment(m, 's1'), m, { newConnection: true })?.comment, 'localDrop');
    assert.equal(hiddenBy(byComment(m, 's1'), m)?.comment, 'localDrop', 'TCP is never broadcast: every TCP packet to the router is local');
    // no packet reaches the first stage: the reach set is empty
    assert.ok(ruleReach(m, byComment(m, 's1'))!.taken.isEmpty());
  }
  // broadcast and multicast are not local: a drop of broadcasts hides no TCP knock
  const m = modelOf(...WAN_LISTS, '/ip firewall filter', 'add chain=input action=drop dst-address-type=broadcast comment=bcast', ...KNOCK);
  assert.equal(knockWorks(m), true);
  assert.equal(hiddenBy(byComment(m, 's1'), m, { newConnection: true }), undefined);
  // a UDP knock packet may be a broadcast: a local drop takes the unicast ones, the sets say "some"
  const u = modelOf(...WAN_LISTS, '/ip firewall filter', 'add chain=input action=drop dst-address-type=local comment=localDrop', 'add chain=input action=accept protocol=udp dst-port=5678 comment=mndp');
  const mndp = ruleReach(u, byComment(u, 'mndp'))!;
  assert.ok(!mndp.taken.isEmpty());
});

test('2. raw notrack for the WAN plus accept untracked accepts everything from the WAN, knocks included', () => {
  const m = modelOf(
    ...WAN_LISTS,
    '/ip firewall raw add chain=prerouting action=notrack in-interface-list=WAN comment=notrack',
    '/ip firewall filter',
    'add chain=input action=accept connection-state=established,related,untracked comment=est',
    ...KNOCK,
  );
  // the simulator: a new connection to ssh from the WAN is accepted by `est`
  const sim = new Simulator(m);
  const tr = sim.send(wanPacket(22));
  assert.equal(tr.verdict, 'accept');
  assert.equal(tr.verdictRule?.comment, 'est');
  // the sets: every new packet from the WAN ends accepted, by `est`
  const input = reachOf(m, 'ip').hook('input');
  const fromWan = setOf(m, 'ip', NEW_FROM_WAN, ['input']);
  assert.ok(!fromWan.isEmpty());
  assert.ok(fromWan.subsetOf(input.accept));
  assert.ok(fromWan.subsetOf(reachOf(m, 'ip').decided(byComment(m, 'est'))));
  assert.ok(ruleReach(m, byComment(m, 'wanDrop'))!.taken.isEmpty(), 'the WAN drop takes nothing');
  // and the static knock reasoning: the accept takes the knock packets before the stages
  assert.equal(hiddenBy(byComment(m, 's1'), m, { newConnection: true })?.comment, 'est');
  // without the notrack rule the knock stages are reached
  const m2 = modelOf(...WAN_LISTS, '/ip firewall filter', 'add chain=input action=accept connection-state=established,related,untracked comment=est', ...KNOCK);
  assert.equal(hiddenBy(byComment(m2, 's1'), m2, { newConnection: true }), undefined);
  assert.equal(knockWorks(m2), true);
});

test('3. connection-nat-state=!dstnat connection-state=new in input takes every new packet when the file has no dst-nat', () => {
  const drop = 'add chain=input action=drop connection-state=new connection-nat-state=!dstnat in-interface-list=WAN comment=natDrop';
  const m = modelOf(...WAN_LISTS, '/ip firewall filter', drop, ...KNOCK);
  assert.equal(knockWorks(m), false);
  assert.equal(hiddenBy(byComment(m, 's1'), m, { newConnection: true })?.comment, 'natDrop');
  const taken = ruleReach(m, byComment(m, 'natDrop'))!.taken;
  assert.ok(setOf(m, 'ip', NEW_FROM_WAN, ['input']).subsetOf(taken));
  // with a dst-nat rule, packets that came through it are not taken: only "partial"
  const n = modelOf(...WAN_LISTS, '/ip firewall nat add chain=dstnat action=dst-nat protocol=tcp dst-port=7391 to-addresses=192.168.88.2', '/ip firewall filter', drop, ...KNOCK);
  assert.equal(hiddenBy(byComment(n, 's1'), n, { newConnection: true }), undefined);
  assert.ok(!setOf(n, 'ip', NEW_FROM_WAN, ['input']).subsetOf(ruleReach(n, byComment(n, 'natDrop'))!.taken));
});

test('4. add-src-to-address-list takes effect at once: a scanner rule with src-address-list=!knock1 below stage 1 never takes the stage-1 packet', () => {
  const m = modelOf(
    ...WAN_LISTS,
    '/ip firewall filter',
    'add chain=input action=add-src-to-address-list address-list=knock1 address-list-timeout=30s in-interface-list=WAN protocol=tcp dst-port=7391 comment=s1',
    'add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=1d in-interface-list=WAN protocol=tcp dst-port=1-10000 src-address-list=!knock1 comment=scanner',
    'add chain=input action=drop src-address-list=blacklist comment=bl',
    'add chain=input action=add-src-to-address-list address-list=secured address-list-timeout=30m in-interface-list=WAN protocol=tcp dst-port=4263 src-address-list=knock1 comment=s2',
    'add chain=input action=accept in-interface-list=WAN src-address-list=secured comment=grant',
    'add chain=input action=drop in-interface-list=WAN comment=wanDrop',
  );
  const fr = reachOf(m, 'ip');
  const scanner = fr.rule(byComment(m, 'scanner'))!;
  // every stage-1 packet reaches the scanner rule, already in knock1: none is taken
  const stage1 = setOf(m, 'ip', byComment(m, 's1').match, ['input']);
  assert.ok(stage1.subsetOf(scanner.reach));
  assert.ok(!stage1.intersects(scanner.taken));
  // other ports below 10000 are taken (the scanner works)
  assert.ok(!scanner.taken.isEmpty());
  // the simulator agrees, packet for packet
  const sim = new Simulator(m);
  const p1 = wanPacket(7391, 0);
  const cell = cellOf(fr.space, sim.context(p1), { inList: (l) => sim.inList(l, p1.src, 0) });
  assert.ok(scanner.reach.has(cell) && !scanner.taken.has(cell));
  sim.send(p1);
  assert.equal(sim.inList('blacklist', p1.src, 0.5), false);
  sim.send(wanPacket(4263, 1));
  assert.equal(sim.inList('secured', p1.src, 2), true);
});
