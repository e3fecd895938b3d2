// Property: the differential analysis (semantics/diff.ts, one joint space for two models) agrees with
// the simulator. For generated firewalls A and a mutation B of A (rules swapped, removed, inserted, an
// action changed, an address-list entry added, or nothing): diff(A, A) is empty; for sampled packets of
// every class (protocols, ports, addresses, interfaces and lists, states, flags, sizes), the simulated
// verdicts on A and B differ exactly when the packet lies in a piece of diff(A, B), with those verdicts;
// and every piece's witness packet, replayed on both sides, gets the piece's verdicts and rules.
// (Conditions and packets as in property.test.ts; rules biased towards deciding ones.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import { cellOf, diffFirewalls, HOOKS } from '../../server/src/semantics';
import { Simulator } from '../../server/src/simulate';
import type { SimPacket } from '../../server/src/simulate/types';

const neg = (b: boolean) => (b ? '!' : '');
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
// rules with few conditions, so that they decide many packets and mutations change verdicts
const opt = <T>(a: fc.Arbitrary<T>) => fc.oneof({ arbitrary: fc.constant(undefined), weight: 6 }, { arbitrary: a, weight: 1 });

const condArb = fc.record({
  protocol: opt(fc.tuple(fc.boolean(), pick(['tcp', 'udp', 'icmp']))),
  dstPort: opt(fc.tuple(fc.boolean(), pick(['22', '80-90', '22,53,8000-9000', '53']))),
  srcPort: opt(fc.tuple(fc.boolean(), pick(['1024-65535', '53']))),
  anyPort: opt(pick(['53', '22'])),
  srcAddress: opt(fc.tuple(fc.boolean(), pick(['10.0.0.0/24', '192.168.1.5', '198.51.100.0/24']))),
  srcList: opt(fc.tuple(fc.boolean(), pick(['trusted', 'knock1', 'knock2']))),
  dstList: opt(fc.tuple(fc.boolean(), pick(['local-ips', 'knock1']))),
  inIface: opt(fc.tuple(fc.boolean(), pick(['ether1', 'bridge', 'ether9']))),
  inList: opt(fc.tuple(fc.boolean(), pick(['WAN', 'LAN', 'DMZ', 'all']))),
  outList: opt(fc.tuple(fc.boolean(), pick(['WAN', 'LAN', 'DMZ']))),
  state: opt(fc.tuple(fc.boolean(), pick(['new', 'established,related', 'established,related,untracked', 'invalid', 'untracked']))),
  natState: opt(fc.tuple(fc.boolean(), pick(['dstnat']))),
  dstType: opt(fc.tuple(fc.boolean(), pick(['local', 'broadcast', 'unicast', 'local,multicast']))),
  flags: opt(pick(['syn', 'syn,!ack', '!syn', 'ack,!rst'])),
  size: opt(fc.tuple(fc.boolean(), pick(['0-100', '60', '500-1500']))),
  mark: opt(fc.tuple(fc.boolean(), pick(['m1', 'no-mark']))),
});

type Cond = ArbValue<typeof condArb>;
type ArbValue<A> = A extends fc.Arbitrary<infer T> ? T : never;

function condText(c: Cond, table: string): string {
  const out: string[] = [];
  if (c.protocol) out.push(`protocol=${neg(c.protocol[0])}${c.protocol[1]}`);
  const ports = c.protocol && !c.protocol[0] && c.protocol[1] !== 'icmp';
  if (ports && c.dstPort) out.push(`dst-port=${neg(c.dstPort[0])}${c.dstPort[1]}`);
  if (ports && c.srcPort) out.push(`src-port=${neg(c.srcPort[0])}${c.srcPort[1]}`);
  if (ports && c.anyPort && !c.dstPort && !c.srcPort) out.push(`port=${c.anyPort}`);
  if (c.srcAddress) out.push(`src-address=${neg(c.srcAddress[0])}${c.srcAddress[1]}`);
  if (c.srcList) out.push(`src-address-list=${neg(c.srcList[0])}${c.srcList[1]}`);
  if (c.dstList) out.push(`dst-address-list=${neg(c.dstList[0])}${c.dstList[1]}`);
  if (c.inIface) out.push(`in-interface=${neg(c.inIface[0])}${c.inIface[1]}`);
  if (c.inList) out.push(`in-interface-list=${neg(c.inList[0])}${c.inList[1]}`);
  if (c.outList) out.push(`out-interface-list=${neg(c.outList[0])}${c.outList[1]}`);
  if (c.state && table !== 'raw') out.push(`connection-state=${neg(c.state[0])}${c.state[1]}`);
  if (c.natState && table !== 'raw') out.push(`connection-nat-state=${neg(c.natState[0])}${c.natState[1]}`);
  if (c.dstType) out.push(`dst-address-type=${neg(c.dstType[0])}${c.dstType[1]}`);
  if (c.flags && c.protocol && !c.protocol[0] && c.protocol[1] === 'tcp') out.push(`tcp-flags=${c.flags}`);
  if (c.size) out.push(`packet-size=${neg(c.size[0])}${c.size[1]}`);
  if (c.mark && table === 'filter') out.push(`packet-mark=${neg(c.mark[0])}${c.mark[1]}`);
  return out.join(' ');
}

// Firewalls of deciding rules: mostly filter accept/drop/reject with one or two conditions, some
// jumps into a custom chain, raw drops and notrack, list additions; so mutations change verdicts.
const CHAINS: Record<string, string[]> = {
  filter: ['input', 'forward', 'input', 'forward', 'output', 'c1'],
  raw: ['prerouting', 'output'],
};
const ACTIONS: Record<string, string[]> = {
  filter: ['accept', 'drop', 'accept', 'drop', 'reject', 'jump', 'return', 'add-src', 'tarpit'],
  raw: ['drop', 'notrack', 'accept'],
};

const ruleArb = fc.record({
  table: pick(['filter', 'filter', 'filter', 'filter', 'filter', 'raw']),
  chainIdx: fc.nat(10),
  actionIdx: fc.nat(10),
  list: pick(['knock1', 'trusted']),
  timeout: pick(['1m', '0s']),
  disabled: fc.oneof({ arbitrary: fc.constant(false), weight: 8 }, { arbitrary: fc.constant(true), weight: 1 }),
  cond: condArb,
});

function scriptOf(rules: Array<ArbValue<typeof ruleArb>>): string {
  const lines = [
    '/interface list add name=WAN',
    '/interface list add name=LAN',
    '/interface list member add list=WAN interface=ether1',
    '/interface list member add list=LAN interface=bridge',
    '/ip firewall address-list add list=trusted address=10.0.0.0/24',
    '/ip firewall address-list add list=local-ips address=203.0.113.1',
  ];
  for (const r of rules) {
    const chains = CHAINS[r.table];
    const chain = chains[r.chainIdx % chains.length];
    const acts = ACTIONS[r.table];
    let a = acts[r.actionIdx % acts.length];
    let extra = '';
    if (a === 'jump') extra = ' jump-target=c1';
    if (a === 'add-src') {
      extra = ` address-list=${r.list} address-list-timeout=${r.timeout}`;
      a = 'add-src-to-address-list';
    }
    lines.push(`/ip firewall ${r.table} add chain=${chain} action=${a}${extra}${r.disabled ? ' disabled=yes' : ''} ${condText(r.cond, r.table)}`);
  }
  return lines.join('\n') + '\n';
}

const packetArb = fc.record({
  hook: pick(HOOKS),
  protocol: pick(['tcp', 'udp', 'icmp']),
  dstPort: pick([22, 53, 85, 8080, 9999]),
  srcPort: pick([53, 40000]),
  src: pick(['10.0.0.5', '192.168.1.5', '198.51.100.7']),
  inIface: pick([undefined, 'ether1', 'bridge', 'ether9', 'dmz-port']),
  outIface: pick([undefined, 'ether1', 'bridge', 'dmz-port']),
  state: pick(['new', 'established', 'related', 'invalid'] as const),
  flags: pick([undefined, ['syn'], ['syn', 'ack'], ['ack'], ['rst', 'ack']]),
  size: pick([undefined, 60, 1200]),
  broadcast: fc.boolean(),
});

function simPacket(p: ArbValue<typeof packetArb>, time: number): SimPacket {
  const sp: SimPacket = { time, src: p.src, protocol: p.protocol, hook: p.hook, state: p.state };
  if (p.protocol !== 'icmp') {
    sp.dstPort = p.dstPort;
    sp.srcPort = p.srcPort;
  }
  if (p.hook !== 'output' && p.inIface) {
    sp.inInterface = p.inIface;
    if (p.inIface === 'dmz-port') sp.inInterfaceLists = ['DMZ'];
  }
  if (p.hook !== 'input' && p.outIface) {
    sp.outInterface = p.outIface;
    if (p.outIface === 'dmz-port') sp.outInterfaceLists = ['DMZ'];
  }
  if (p.protocol === 'tcp' && p.flags) sp.tcpFlags = p.flags;
  if (p.size !== undefined) sp.size = p.size;
  if (p.hook === 'input' && p.protocol !== 'tcp' && p.broadcast) {
    sp.dstAddressType = 'broadcast';
    sp.dst = '255.255.255.255';
  }
  if (p.hook === 'forward') sp.dst = '192.0.2.10';
  return sp;
}

const mutationArb = fc.record({
  kind: pick(['same', 'swap', 'swap', 'delete', 'action', 'insert', 'entry'] as const),
  at: fc.nat(30),
  rule: ruleArb,
  actionIdx: fc.nat(10),
});

function mutate(rules: Array<ArbValue<typeof ruleArb>>, m: ArbValue<typeof mutationArb>): { rules: Array<ArbValue<typeof ruleArb>>; extra: string } {
  const out = rules.slice();
  const i = m.at % out.length;
  switch (m.kind) {
    case 'swap':
      if (out.length > 1) {
        const j = (i + 1) % out.length;
        [out[i], out[j]] = [out[j], out[i]];
      }
      break;
    case 'delete':
      out.splice(i, 1);
      break;
    case 'action':
      out[i] = { ...out[i], actionIdx: m.actionIdx };
      break;
    case 'insert':
      out.splice(i, 0, m.rule);
      break;
    case 'entry':
      return { rules: out, extra: '/ip firewall address-list add list=trusted address=192.168.1.0/24\n' };
  }
  return { rules: out, extra: '' };
}

const model = (text: string) => buildModel(parse(text), text);

test('property: diff(A, A) is empty and complete', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 12 }), (rules) => {
      const text = scriptOf(rules);
      const d = diffFirewalls(model(text), model(text), { witnesses: false });
      assert.ok(d.complete);
      assert.deepEqual(d.families.flatMap((f) => f.pieces), [], text);
    }),
    { seed: 20261202, numRuns: 60 },
  );
});

test('property: diff(A, B) holds a packet exactly when the simulator gives it different verdicts on A and B', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 12 }), mutationArb, fc.array(packetArb, { minLength: 6, maxLength: 16 }), (rules, mut, packets) => {
      const textA = scriptOf(rules);
      const m = mutate(rules, mut);
      const textB = scriptOf(m.rules) + m.extra;
      const a = model(textA);
      const b = model(textB);
      const d = diffFirewalls(a, b);
      assert.ok(d.complete);
      const fam = d.families.find((f) => f.family === 'ip');
      const pieces = fam?.pieces ?? [];
      const where = `\n--- A\n${textA}--- B\n${textB}`;
      for (const p of pieces) {
        assert.ok(p.witness, `piece without witness${where}`);
        assert.ok(p.witness.agrees, `witness ${JSON.stringify(p.witness.after.packet)} simulated ${p.witness.before.verdict} -> ${p.witness.after.verdict}, piece ${p.before.verdict} -> ${p.after.verdict}${where}`);
      }
      for (const pa of packets) {
        const sp = simPacket(pa, 0);
        // fresh simulators: no run-time list entries
        const simA = new Simulator(a);
        const simB = new Simulator(b);
        const va = simA.send(sp).verdict;
        const vb = simB.send(sp).verdict;
        if (!fam) {
          assert.equal(va, vb);
          continue;
        }
        const space = fam.spaces[1];
        // a list both scripts fill alike: its whole membership; one they fill differently: other entries (none here)
        const cell = cellOf(space, simB.context(sp), { inList: (list, src) => !space.listEntries(list) && simB.inList(list, src ? sp.src : sp.dst ?? '203.0.113.1', 0) });
        const hits = pieces.filter((p) => p.hook === (sp.hook ?? 'input') && p.set.has(cell));
        const msg = `packet ${JSON.stringify(sp)}: simulated ${va} -> ${vb}, pieces ${hits.map((p) => `${p.before.verdict}->${p.after.verdict}`).join(',')}${where}`;
        if (va === vb) assert.equal(hits.length, 0, msg);
        else {
          assert.ok(hits.length > 0, msg);
          for (const h of hits) assert.deepEqual([h.before.verdict, h.after.verdict], [va, vb], msg);
        }
      }
    }),
    { seed: 20261202, numRuns: 200 },
  );
});
