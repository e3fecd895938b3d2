// Property: the set analysis (semantics/reach.ts) and the simulator (simulate/engine.ts, point
// evaluation through the same compiled literals) agree on every packet of generated firewalls: the
// verdict set that holds the packet's cell is the simulated verdict, the accepting rule is the same,
// and every rule the packet matched holds the cell in its reach and taken sets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from '../../server/src/parser';
import { buildModel } from '../../server/src/model';
import { analyze, cellOf, HOOKS } from '../../server/src/semantics';
import { Simulator } from '../../server/src/simulate';
import type { SimPacket } from '../../server/src/simulate/types';

const neg = (b: boolean) => (b ? '!' : '');
const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

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

const CHAINS: Record<string, string[]> = {
  filter: ['input', 'forward', 'output', 'c1', 'c2'],
  raw: ['prerouting', 'output', 'r1'],
  mangle: ['prerouting', 'input', 'forward', 'output'],
};
const ACTIONS: Record<string, string[]> = {
  filter: ['accept', 'drop', 'reject', 'return', 'jump', 'add-src', 'add-dst', 'log', 'tarpit'],
  raw: ['accept', 'drop', 'notrack', 'jump', 'return', 'add-src'],
  mangle: ['accept', 'mark', 'mark-stop', 'add-src', 'return', 'log'],
};

const ruleArb = fc.record({
  table: pick(['filter', 'filter', 'filter', 'raw', 'mangle']),
  chainIdx: fc.nat(10),
  actionIdx: fc.nat(10),
  list: pick(['knock1', 'knock2', 'trusted']),
  timeout: pick(['1m', '5s', '0s']),
  disabled: fc.boolean(),
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
    if (a === 'jump') extra = ` jump-target=${r.table === 'raw' ? 'r1' : r.chainIdx % 2 ? 'c1' : 'c2'}`;
    if (a === 'add-src' || a === 'add-dst') {
      extra = ` address-list=${r.list} address-list-timeout=${r.timeout}`;
      a = a === 'add-src' ? 'add-src-to-address-list' : 'add-dst-to-address-list';
    }
    if (a === 'mark' || a === 'mark-stop') {
      extra = ` new-packet-mark=m1 passthrough=${a === 'mark' ? 'yes' : 'no'}`;
      a = 'mark-packet';
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

test('property: the set analysis agrees with the simulator on every packet of generated firewalls', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 14 }), fc.array(packetArb, { minLength: 1, maxLength: 8 }), (rules, packets) => {
      const text = scriptOf(rules);
      const model = buildModel(parse(text), text);
      const reach = analyze(model, 'ip');
      assert.ok(reach.complete);
      const sim = new Simulator(model);
      packets.forEach((pa, i) => {
        const sp = simPacket(pa, i * 2);
        const ctx = sim.context(sp);
        const dstText = sp.dst ?? '203.0.113.1';
        const cell = cellOf(reach.space, ctx, { inList: (list, src) => sim.inList(list, src ? sp.src : dstText, sp.time) });
        const tr = sim.send(sp);
        const h = reach.hook(sp.hook ?? 'input');
        const inSets = (['accept', 'drop', 'reject', 'tarpit'] as const).filter((v) => h[v].has(cell));
        const where = `\n${text}packet ${JSON.stringify(sp)}`;
        assert.deepEqual(inSets, [tr.verdict], `verdict sets ${inSets.join(',')} vs simulated ${tr.verdict}${where}`);
        if (tr.verdict === 'accept') {
          const by = h.accept.cubesWith(cell).map((c) => c.trip.by);
          assert.ok(by.every((b) => b === tr.verdictRule), `accepting rule differs${where}`);
        } else assert.ok(reach.decided(tr.verdictRule!).has(cell), `deciding rule differs${where}`);
        for (const st of tr.matched) {
          const rr = reach.rule(st.rule)!;
          assert.ok(rr.reach.has(cell) && rr.taken.has(cell), `rule ${st.rule.source.range.start.line + 1} matched in the simulator but not in the sets${where}`);
        }
      });
    }),
    { seed: 20261202, numRuns: 150 },
  );
});
