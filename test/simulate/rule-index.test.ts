// The per-port rule index and the expiry heap (simulate/ruleIndex.ts, engine.ts) change how fast the
// simulator finds the rules a packet matches and the entries that expired, never the answer: on the knock
// fixtures and on generated tables, the indexed engine (every chain indexed) gives exactly the traces,
// list additions and scan outcomes of the plain engine (every rule tested, every list walked).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FirewallModel, Rule } from '../../server/src/model/types';
import { planKnock, scanOrder, Simulator, type SimOptions, type SimPacket } from '../../server/src/simulate';
import { GUIDE, knocksOf, modelOf, rsc, WAN } from './helpers';

const root = join(__dirname, '..', '..');

/** A trace as plain data: rules by creation order (uid), everything else as it is. */
function view(tr: ReturnType<Simulator['send']>) {
  const uid = (r: Rule | undefined) => r?.uid;
  return {
    index: tr.index,
    verdict: tr.verdict,
    verdictRule: uid(tr.verdictRule),
    matched: tr.matched.map((s) => ({ ...s, rule: uid(s.rule) })),
    changes: tr.changes.map((c) => ({ ...c, rule: uid(c.rule) })),
    expired: tr.expired.map((c) => ({ ...c, rule: uid(c.rule) })),
  };
}

/** Sends `packets` through the plain and the indexed engine; the traces and the entries must be equal. */
function same(model: FirewallModel, packets: SimPacket[], options: SimOptions, what: string): void {
  const plain = new Simulator(model, { ...options, plain: true });
  const indexed = new Simulator(model, { ...options, indexMinRules: 1 });
  for (const p of packets) {
    assert.deepEqual(view(indexed.send(p)), view(plain.send(p)), `${what}: packet ${JSON.stringify(p)}`);
  }
  const end = (packets.at(-1)?.time ?? 0) + 1;
  assert.deepEqual(indexed.entries(end), plain.entries(end), `${what}: entries at the end`);
}

/** A scan of every port, both engines (memo mode: packets that add something are evaluated). */
function sameScan(model: FirewallModel, template: SimPacket, protocols: string[], options: SimOptions, what: string, ports: ArrayLike<number> = scanOrder({ kind: 'random', seed: 3 })): void {
  const run = (extra: SimOptions) => {
    const adds: unknown[] = [];
    const sim = new Simulator(model, { ...options, ...extra, onAdd: (list, address, time, rule, index) => adds.push([list, address, time, rule.uid, index]) });
    const n = sim.scan(template, protocols, ports, 50, () => false, { mode: 'plain' });
    return { n, adds, entries: sim.entries(1e9) };
  };
  assert.deepEqual(run({ indexMinRules: 1 }), run({ plain: true }), `${what}: scan`);
}

const knockFixtures = (): Array<[string, string]> => {
  const out: Array<[string, string]> = [['the guide', GUIDE]];
  for (const f of ['knock-good.rsc', 'knock-broken.rsc']) out.push([f, readFileSync(join(root, 'examples', f), 'utf8')]);
  const dir = join(root, 'test', 'fixtures', 'scenarios');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.rsc')).sort()) out.push([f, readFileSync(join(dir, f), 'utf8')]);
  return out;
};

test('knock fixtures: every knock (intended, too slow at each stage, probe) and a scan trace the same with and without the index', () => {
  let knocks = 0;
  for (const [name, text] of knockFixtures()) {
    const { model, knocks: seqs } = knocksOf(text);
    for (const seq of seqs) {
      const plan = planKnock(model, seq);
      if (plan.stages.length === 0) continue;
      knocks++;
      const family = plan.family;
      for (const slowAt of [-1, ...plan.stages.map((_, i) => i)]) {
        const packets: SimPacket[] = [];
        let t = 0;
        plan.stages.forEach(({ packet }, i) => {
          packets.push({ ...packet, time: t });
          t += i === slowAt ? 3600 : 1;
        });
        if (plan.probe) packets.push({ ...plan.probe, time: t });
        // the same packets again later, and a few strays (other ports, UDP, ICMP, no port)
        for (const p of [...packets]) packets.push({ ...p, time: p.time + t + 5 });
        const last = packets.at(-1)!.time;
        const from = plan.stages[0].packet;
        packets.push({ ...from, protocol: 'udp', dstPort: 53, time: last + 1 });
        packets.push({ ...from, protocol: 'icmp', dstPort: undefined, time: last + 2 });
        packets.push({ ...from, protocol: 'gre', dstPort: undefined, time: last + 3 });
        for (const assume of [() => true, () => false]) same(model, packets, { family, assume }, `${name} ${seq.finalList} slow at ${slowAt}`);
      }
      const protocols = [...new Set(plan.stages.map((s) => s.packet.protocol).filter((p) => p === 'tcp' || p === 'udp'))];
      if (protocols.length > 0) sameScan(model, { ...plan.base, src: '192.0.2.99', srcMac: undefined, protocol: protocols[0], time: 0 }, protocols, { family }, `${name} ${seq.finalList}`);
    }
  }
  assert.ok(knocks >= 20, `only ${knocks} knocks in the fixtures`);
});

// ----- generated tables -----

const port = fc.oneof(fc.constantFrom(0, 1, 22, 80, 443, 1000, 1001, 8080, 65535), fc.integer({ min: 0, max: 65535 }));
const portText = fc.oneof(
  port.map(String),
  fc.tuple(port, fc.integer({ min: 0, max: 3000 })).map(([a, w]) => `${a}-${Math.min(65535, a + w)}`),
  fc.array(port, { minLength: 2, maxLength: 4 }).map((ps) => ps.join(',')),
);
const neg = fc.constantFrom('', '', '', '!');
const protoText = fc.constantFrom('tcp', 'udp', 'icmp', '6', '17', 'gre');
const list = fc.constantFrom('a', 'b', 'c');
const cond = fc.oneof(
  fc.tuple(neg, protoText).map(([n, p]) => `protocol=${n}${p}`),
  fc.tuple(neg, portText).map(([n, p]) => `dst-port=${n}${p}`),
  fc.tuple(neg, portText).map(([n, p]) => `src-port=${n}${p}`),
  fc.tuple(neg, portText).map(([n, p]) => `port=${n}${p}`),
  fc.tuple(neg, list).map(([n, l]) => `src-address-list=${n}${l}`),
  fc.tuple(neg, list).map(([n, l]) => `dst-address-list=${n}${l}`),
  fc.constantFrom('tcp-flags=syn', 'tcp-flags=!syn', 'tcp-flags=ack', 'connection-state=new', 'connection-state=established,related', 'in-interface-list=WAN', 'in-interface-list=!WAN'),
  fc.constantFrom('limit=2,1:packet', 'psd=21,3s,3,1', 'connection-limit=3,32', 'nth=2,1'),
);
const action = fc.oneof(
  { weight: 3, arbitrary: fc.tuple(list, fc.constantFrom('1s', '3s', '10s', '1m', '0s')).map(([l, t]) => `action=add-src-to-address-list address-list=${l} address-list-timeout=${t}`) },
  fc.tuple(list, fc.constantFrom('2s', '20s')).map(([l, t]) => `action=add-dst-to-address-list address-list=${l} address-list-timeout=${t}`),
  fc.constantFrom('action=accept', 'action=drop', 'action=reject', 'action=log', 'action=passthrough', 'action=return', 'action=jump jump-target=sub', 'action=jump jump-target=sub2'),
);
const ruleText = fc.tuple(fc.constantFrom('input', 'input', 'input', 'sub', 'sub2', 'forward'), fc.array(cond, { maxLength: 4 }), action, fc.boolean()).map(
  ([chain, conds, act, disabled]) => `add chain=${chain} ${act} ${conds.join(' ')}${disabled ? ' disabled=yes' : ''}`,
);
const packet = fc.record({
  dt: fc.constantFrom(0, 0.5, 1, 2, 5, 11),
  protocol: protoText,
  dstPort: fc.option(port, { nil: undefined }),
  srcPort: fc.option(port, { nil: undefined }),
  src: fc.constantFrom('198.51.100.7', '198.51.100.8'),
  wan: fc.boolean(),
  state: fc.constantFrom(undefined, 'new', 'established'),
  flags: fc.constantFrom<string[] | undefined>(undefined, ['syn'], ['ack'], ['syn', 'ack']),
  hook: fc.constantFrom('input', 'input', 'forward'),
});

/** Every boundary a generated rule can have, and a random 1,500 more (a full scan per run is too slow here). */
const SOME_PORTS = Int32Array.from([0, 1, 2, 21, 22, 23, 79, 80, 81, 442, 443, 444, 999, 1000, 1001, 1002, 8079, 8080, 8081, 65534, 65535, ...scanOrder({ kind: 'random', seed: 5 }).slice(0, 1500)]);

test('property: generated tables (protocols, ports, lists, flags, jumps, stateful matchers) trace the same with and without the index', () => {
  fc.assert(
    fc.property(fc.array(ruleText, { minLength: 1, maxLength: 40 }), fc.array(packet, { minLength: 1, maxLength: 40 }), fc.boolean(), (rules, ps, assumeTrue) => {
      const model = modelOf(rsc('/interface list', 'add name=WAN', '/interface list member', 'add list=WAN interface=ether1', '/ip firewall filter', ...rules));
      let t = 0;
      const packets: SimPacket[] = ps.map((p) => {
        t += p.dt;
        return {
          time: t,
          protocol: p.protocol,
          dstPort: p.dstPort,
          srcPort: p.srcPort,
          ...(p.wan ? { inInterface: WAN.inInterface, inInterfaceLists: WAN.inInterfaceLists } : { inInterface: 'ether2' }),
          src: p.src,
          ...(p.state ? { state: p.state as 'new' } : {}),
          ...(p.flags ? { tcpFlags: p.flags } : {}),
          hook: p.hook as 'input',
        };
      });
      same(model, packets, { assume: () => assumeTrue }, rules.join('\n'));
      sameScan(model, { ...WAN, time: 0, protocol: 'tcp', src: '198.51.100.9' }, ['tcp', 'udp'], {}, rules.join('\n'), SOME_PORTS);
    }),
    { numRuns: 200, seed: 20261202 },
  );
});

test('a knock of 200 one-port stages: the index tests a few rules per packet, and the traces are the plain ones', () => {
  const lines = ['/interface list', 'add name=WAN', '/interface list member', 'add list=WAN interface=ether1', '/ip firewall filter'];
  for (let s = 0; s < 200; s++) {
    const from = s === 0 ? '' : ` src-address-list=k${s}`;
    lines.push(`add action=add-src-to-address-list address-list=k${s + 1} address-list-timeout=${s === 199 ? '1h' : '20s'} chain=input dst-port=${3000 + s * 3} in-interface-list=WAN protocol=tcp${from}`);
  }
  lines.push('add action=accept chain=input dst-port=22 in-interface-list=WAN protocol=tcp src-address-list=k200', 'add action=drop chain=input in-interface-list=WAN');
  const model = modelOf(rsc(...lines));
  const packets: SimPacket[] = [];
  for (let s = 0; s < 200; s++) packets.push({ ...WAN, protocol: 'tcp', dstPort: 3000 + s * 3, time: s * (s === 120 ? 30 : 1) + (s > 120 ? 30 : 0) });
  packets.push({ ...WAN, protocol: 'tcp', dstPort: 22, time: 400 });
  same(model, packets, {}, '200 stages');
  // the index is used (chains this long are indexed by default) and leaves out the other stages
  const counted = new Simulator(model, {});
  let tests = 0;
  const saved = counted.compiled('filter', 'input').map((cr) => [cr, cr.test] as const);
  for (const [cr, t] of saved) {
    cr.test = (p) => {
      tests++;
      return t(p);
    };
  }
  try {
    counted.send({ ...WAN, protocol: 'tcp', dstPort: 3000 + 150 * 3, time: 0 });
  } finally {
    for (const [cr, t] of saved) cr.test = t;
  }
  assert.ok(tests <= 3, `${tests} rules tested for one knock packet`);
});
