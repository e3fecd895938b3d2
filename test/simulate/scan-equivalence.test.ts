// The fast scan modes (memo: memoized outcomes, packets that add nothing skipped; compress: repeated
// stretches of a port class jumped over) must give exactly what sending every packet through the rules
// gives: the same grant (and the packet it happens at), the same last additions, the same list entries.
// Checked on generated setups (overlapping and wide stage matchers, port ranges and lists, short
// timeouts that expire inside runs, refreshers, blacklists, destination lists, static entries, jumps,
// two protocols, refresh on or off, several scan rates) and on every knock of the corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { DEFAULT_SCANS, disabledBlacklistRules, planKnock, runScan, scanOrder, Simulator, simulatable, type ScanSpec } from '../../server/src/simulate';
import { orderIndex, portClasses } from '../../server/src/simulate/portClasses';
import { knocksOf, modelOf, rsc } from './helpers';

const SCANNER = '203.0.113.66';
const WAN = { inInterface: 'ether1', inInterfaceLists: ['WAN'] };

// ---------------------------------------------------------------------------------------------
// Generated setups

const port = fc.oneof(fc.constantFrom(1, 2, 80, 81, 443, 1000, 1001, 1002, 30000, 30001, 65534, 65535), fc.integer({ min: 1, max: 65535 }));
const range = fc.tuple(port, fc.integer({ min: 0, max: 40000 })).map(([a, w]) => `${a}-${Math.min(65535, a + w)}`);
const ports = fc.oneof(
  { weight: 3, arbitrary: port.map(String) },
  { weight: 2, arbitrary: range },
  { weight: 2, arbitrary: fc.array(fc.oneof(port.map(String), range), { minLength: 2, maxLength: 3 }).map((a) => a.join(',')) },
);
const timeout = fc.constantFrom('1s', '2s', '5s', '30s', '1m', '10m');
const proto = fc.constantFrom('tcp', 'tcp', 'udp');

const setup = fc.record({
  stages: fc.array(fc.record({ ports, proto, timeout }), { minLength: 1, maxLength: 4 }),
  inChain: fc.boolean(),
  extras: fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('drop' as const), ports, proto, top: fc.boolean() }),
      fc.record({ kind: fc.constant('refresher' as const), ports, stage: fc.nat(3), timeout, top: fc.boolean() }),
      fc.record({ kind: fc.constant('dst-list' as const), ports, timeout, top: fc.boolean() }),
      fc.record({ kind: fc.constant('accept' as const), ports, proto, top: fc.boolean() }),
    ),
    { maxLength: 3 },
  ),
  blacklist: fc.option(fc.record({ ports, timeout, enabled: fc.boolean() }), { nil: undefined }),
  statics: fc.array(fc.record({ stage: fc.nat(3), timeout: fc.constantFrom('1s', '3s', '20s') }), { maxLength: 2 }),
});
type Setup = typeof setup extends fc.Arbitrary<infer T> ? T : never;

function listOf(i: number, n: number): string {
  return i >= n - 1 ? 'ok' : `s${i}`;
}

function scriptOf(s: Setup): string {
  const n = s.stages.length;
  const chain = s.inChain ? 'knock' : 'input';
  const top: string[] = [];
  const mid: string[] = [];
  for (const e of s.extras) {
    let line: string;
    if (e.kind === 'drop') line = `add chain=input action=drop protocol=${e.proto} dst-port=${e.ports}`;
    else if (e.kind === 'accept') line = `add chain=input action=accept protocol=${e.proto} dst-port=${e.ports}`;
    else if (e.kind === 'refresher') line = `add chain=input action=add-src-to-address-list address-list=${listOf(e.stage % n, n)} address-list-timeout=${e.timeout} protocol=tcp dst-port=${e.ports}`;
    else line = `add chain=input action=add-dst-to-address-list address-list=seen address-list-timeout=${e.timeout} dst-port=${e.ports}\nadd chain=input action=drop dst-address-list=seen protocol=udp`;
    (e.top ? top : mid).push(line);
  }
  const stages = s.stages.map(
    (st, i) =>
      `add chain=${chain} action=add-src-to-address-list address-list=${listOf(i, n)} address-list-timeout=${st.timeout} protocol=${st.proto} dst-port=${st.ports}${i > 0 ? ` src-address-list=${listOf(i - 1, n)}` : ''}`,
  );
  const bl = s.blacklist;
  const lines = [
    '/interface list',
    'add name=WAN',
    '/interface list member',
    'add list=WAN interface=ether1',
    '/ip firewall address-list',
    ...s.statics.map((x) => `add list=${listOf(x.stage % n, n)} address=${SCANNER} timeout=${x.timeout}`),
    '/ip firewall filter',
    ...(bl ? [`add chain=input action=drop src-address-list=blacklist in-interface-list=WAN${bl.enabled ? '' : ' disabled=yes'}`] : []),
    ...top,
    ...(s.inChain ? ['add chain=input action=jump jump-target=knock in-interface-list=WAN'] : []),
    ...stages,
    ...mid,
    ...(bl
      ? [`add chain=input action=add-src-to-address-list address-list=blacklist address-list-timeout=${bl.timeout} protocol=tcp dst-port=${bl.ports} src-address-list=!ok${bl.enabled ? '' : ' disabled=yes'}`]
      : []),
    'add chain=input action=accept src-address-list=ok',
    'add chain=input action=drop in-interface-list=WAN',
  ];
  return rsc(...lines);
}

interface Outcome {
  sent: number;
  granted: boolean;
  /** Last addition per (list, rule): time and packet. */
  last: Record<string, string>;
  /** Some packet added to two or more lists. */
  multi: boolean;
  entries: Array<{ list: string; address: string; expires: number }>;
  log?: string[];
}

function scanWith(text: string, mode: 'plain' | 'memo' | 'compress', protocols: readonly string[], order: ArrayLike<number>, rate: number, refresh: boolean, untilGrant: boolean): Outcome {
  const model = modelOf(text);
  let granted = false;
  const last: Record<string, string> = {};
  const perPacket = new Map<number, Set<string>>();
  const log: string[] = [];
  const sim = new Simulator(model, {
    refreshOnReAdd: refresh,
    onAdd: (list, _address, time, rule, index) => {
      last[`${list} ${rule.source.range.start.line}`] = `${time} #${index}`;
      let s = perPacket.get(index);
      if (!s) perPacket.set(index, (s = new Set()));
      s.add(list);
      log.push(`${list}@${time}#${index}`);
      if (list === 'ok') granted = true;
    },
  });
  const sent = sim.scan({ ...WAN, src: SCANNER, protocol: protocols[0], time: 0 }, protocols, order, rate, () => untilGrant && granted, { mode });
  const end = sent / rate + 1e-9;
  const entries = sim.entries(end).sort((a, b) => (a.list < b.list ? -1 : a.list > b.list ? 1 : 0));
  const multi = [...perPacket.values()].some((s) => s.size > 1);
  const out: Outcome = { sent, granted, last, multi, entries };
  // compress skips the additions of repeated packets: only the rest is compared
  if (mode !== 'compress') out.log = log;
  return out;
}

function assertSame(text: string, protocols: readonly string[], order: ArrayLike<number>, rate: number, refresh: boolean, untilGrant: boolean): void {
  const plain = scanWith(text, 'plain', protocols, order, rate, refresh, untilGrant);
  const memo = scanWith(text, 'memo', protocols, order, rate, refresh, untilGrant);
  const compress = scanWith(text, 'compress', protocols, order, rate, refresh, untilGrant);
  const ctx = `\n${text}protocols ${protocols.join('+')} rate ${rate} refresh ${refresh}`;
  assert.deepEqual(memo, plain, `memo differs from plain${ctx}`);
  const { log: _l, ...p } = plain;
  assert.deepEqual(compress, p, `compress differs from plain${ctx}`);
}

const SPECS: ScanSpec[] = [{ kind: 'ascending' }, { kind: 'descending' }, { kind: 'random', seed: 1 }, { kind: 'random', seed: 7 }];

test('property: on generated setups, full scans in every mode give the plain outcome (grant and its packet, last additions, entries)', () => {
  fc.assert(
    fc.property(
      setup,
      fc.constantFrom(...SPECS),
      fc.constantFrom(10_000, 1_000, 100),
      fc.constantFrom(['tcp'], ['udp'], ['tcp', 'udp']),
      fc.boolean(),
      fc.boolean(),
      (s, spec, rate, protocols, refresh, untilGrant) => {
        assertSame(scriptOf(s), protocols, scanOrder(spec), rate, refresh, untilGrant);
      },
    ),
    { numRuns: 60, seed: 20251125 },
  );
});

test('property: short hand-made orders (long runs of one port, revisits, timeouts expiring inside runs) give the plain outcome', () => {
  const order = fc
    .array(fc.tuple(fc.oneof(port, fc.constantFrom(0, 65536, -5)), fc.integer({ min: 1, max: 60 })), { minLength: 1, maxLength: 30 })
    .map((runs) => runs.flatMap(([p, k]) => Array.from({ length: k }, () => p)));
  fc.assert(
    fc.property(setup, order, fc.constantFrom(10, 2, 1, 0.5), fc.constantFrom(['tcp'], ['tcp', 'udp']), fc.boolean(), fc.boolean(), (s, o, rate, protocols, refresh, untilGrant) => {
      assertSame(scriptOf(s), protocols, o, rate, refresh, untilGrant);
    }),
    { numRuns: 300, seed: 4242 },
  );
});

test('runScan: compress and plain agree on knocks found in generated setups (granted, packets, advances, climbed), blacklist on and off', () => {
  let checked = 0;
  fc.assert(
    fc.property(setup, fc.constantFrom(...SPECS), (s, spec) => {
      const { model, knocks } = knocksOf(scriptOf(s));
      for (const seq of knocks) {
        if (!simulatable(model, seq)) continue;
        const plan = planKnock(model, seq);
        for (const enable of [undefined, disabledBlacklistRules(model, seq.family)]) {
          const plain = runScan(model, plan, spec, { enable, mode: 'plain' });
          assert.deepEqual(runScan(model, plan, spec, { enable, mode: 'compress' }), plain);
          checked++;
        }
      }
    }),
    { numRuns: 40, seed: 99 },
  );
  assert.ok(checked > 20, `knocks were found and scanned: ${checked}`);
});

test('the guide: compress sends the same packets as plain but evaluates a handful (ascending scan: a few dozen runs)', () => {
  const { model, knocks } = knocksOf(
    rsc(
      '/ip firewall filter',
      'add action=add-src-to-address-list address-list=knock1 address-list-timeout=30s chain=input dst-port=888 in-interface-list=WAN protocol=tcp',
      'add action=add-src-to-address-list address-list=knock2 address-list-timeout=30s chain=input dst-port=555 in-interface-list=WAN protocol=tcp src-address-list=knock1',
      'add action=add-src-to-address-list address-list=secured address-list-timeout=30m chain=input dst-port=222 in-interface-list=WAN protocol=tcp src-address-list=knock2',
      'add action=accept chain=input in-interface-list=WAN src-address-list=secured',
      'add action=drop chain=input in-interface-list=WAN',
    ),
  );
  const runs = orderIndex(portClasses(model), scanOrder({ kind: 'ascending' })).runs;
  assert.equal(runs, 7, 'ports 1-221, 222, 223-554, 555, 556-887, 888, 889-65535');
  let calls = 0;
  const sim = new Simulator(model);
  const plan = planKnock(model, knocks[0]);
  const sent = sim.scan({ ...plan.base, src: SCANNER, protocol: 'tcp', time: 0 }, ['tcp'], scanOrder({ kind: 'ascending' }), 10_000, () => (calls++, false), { mode: 'compress' });
  assert.equal(sent, 65535);
  assert.ok(calls < 20, `stop() asked only around packets that add something: ${calls}`);
});

// ---------------------------------------------------------------------------------------------
// The corpus

const corpus = join(__dirname, '..', '..', '..', 'shared', 'corpus', 'files');

test('corpus: every knock scans the same in compress and plain mode (every default scan, blacklist on and off)', { skip: !existsSync(corpus) && 'no ../shared/corpus' }, () => {
  let scans = 0;
  for (const name of readdirSync(corpus).filter((f) => f.endsWith('.rsc')).sort()) {
    const text = readFileSync(join(corpus, name), 'utf8');
    const { model, knocks } = knocksOf(text);
    for (const seq of knocks) {
      if (!simulatable(model, seq)) continue;
      const plan = planKnock(model, seq);
      if (plan.problems.length > 0) continue;
      for (const enable of [undefined, disabledBlacklistRules(model, seq.family)]) {
        for (const spec of DEFAULT_SCANS) {
          const plain = runScan(model, plan, spec, { enable, mode: 'plain' });
          assert.deepEqual(runScan(model, plan, spec, { enable, mode: 'compress' }), plain, `${name}: ${seq.finalList} ${spec.kind} ${spec.seed ?? ''}`);
          scans++;
        }
      }
    }
  }
  assert.ok(scans >= 50, `corpus knocks scanned: ${scans}`);
});
