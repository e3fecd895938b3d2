// Differential analysis: what changes between the firewalls two scripts build. Both models are
// analysed in ONE joint space (space.ts `jointSpaces`: the same coordinates, each side's own
// interface lists and address-list entries), so their per-hook verdict sets are compared exactly:
// the pieces of traffic whose verdict differs (accept -> drop, drop -> reject, ...), each with the
// rule that decided it before and after and a representative packet replayed through the simulator
// on both sides. Nothing here decides whether a packet matches a rule: the sets come from `analyze`,
// the witnesses' verdicts from the simulator, both through semantics/match.ts.
//
// Precision: a piece that holds only for some values of unknown conditions (run-time values, limit,
// an address-list entry that is a DNS name), or whose deciding rule may not be there as modelled (in
// `:if`/loops, uncertain position), is marked `may`. When the work budget runs out the diff is
// `complete=false` and proves nothing, in particular not "no change".

import type { Family, FirewallModel, Rule, TableName } from '../model/types';
import { Simulator } from '../simulate/engine';
import type { SimPacket, Verdict as SimVerdict } from '../simulate/types';
import * as I from './iset';
import { actionOf } from './pipeline';
import { analyze, type FamilyReach, type Verdict } from './reach';
import { type Cube, PacketSet } from './sets';
import {
  ADDR_TYPES, E_CMARK, E_DTYPE, E_IN, E_MAC, E_NAT, E_OUT, E_PROTO, E_STATE, E_STYPE, FLAGS, HOOKS, type Hook, I_DADDR, I_DPORT,
  I_SADDR, I_SIZE, I_SPORT, jointSpaces, NAT_VALUES, pairKey, OTHER, PORT_PROTOCOLS, type Space, STATES,
} from './space';

/** Who decided a packet on one side: a rule, or (accept without rule) the end of the built-in chain. */
export interface Outcome {
  verdict: Verdict;
  rule?: Rule;
}

/** The representative packet of a piece, replayed through the simulator of one side. */
export interface WitnessSide {
  packet: SimPacket;
  /** Address lists the packet's addresses were put in beforehand (`src:L` / `dst:L`): run-time entries. */
  seeded: string[];
  verdict: SimVerdict;
  /** The simulator's deciding rule (undefined: the chain's implicit accept). */
  rule?: Rule;
}

export interface Witness {
  before: WitnessSide;
  after: WitnessSide;
  /** The simulated verdicts are the piece's (false: a condition the packet cannot express, e.g. a layer7 payload). */
  agrees: boolean;
}

export interface DiffPiece {
  family: Family;
  hook: Hook;
  before: Outcome;
  after: Outcome;
  /** The packets (entering `hook`) whose outcome changes so; in the joint space's coordinates. */
  set: PacketSet;
  /** Holds only for some values of unknown conditions, or rests on a rule that may not be there as modelled. */
  may: boolean;
  /** Why `may` (empty when not). */
  mayBecause: string[];
  witness?: Witness;
}

export interface FamilyDiff {
  family: Family;
  /** False: the analysis ran out of budget; `pieces` is then partial and proves nothing. */
  complete: boolean;
  /** The two views of the joint space (before, after). */
  spaces: [Space, Space];
  pieces: DiffPiece[];
  /** Cube splits of both analyses plus the comparison's cube operations. */
  work: number;
}

export interface FirewallDiff {
  /** Every family compared completely: `pieces` is exactly the change (empty = provably no change). */
  complete: boolean;
  families: FamilyDiff[];
  /**
   * Rules of the compared tables that may not be there as modelled (created/changed inside `:if`,
   * loops, functions; uncertain positions) and that the other script does not have alike, per side:
   * the comparison takes them as written, so "no change" is not proven while there are any.
   */
  uncertain: { before: Rule[]; after: Rule[] };
}

export interface DiffOptions {
  /** Work budget of each side's analysis (cube-condition splits); default 100,000 as `analyze`. */
  budget?: number;
  /** Budget of the comparison itself (pairs of cubes met or subtracted); default 2,000,000. */
  compareBudget?: number;
  /** Families to compare (default: those either script has raw/mangle/filter rules for). */
  families?: Family[];
  /** Replay a representative packet of each piece through the simulators (default true). */
  witnesses?: boolean;
}

const WALKED: ReadonlySet<TableName> = new Set(['raw', 'mangle', 'filter']);
const VERDICTS: readonly Verdict[] = ['accept', 'drop', 'reject', 'tarpit'];

function hasRules(model: FirewallModel, family: Family): boolean {
  for (const t of model.tables.values()) if (t.family === family && WALKED.has(t.name) && t.rules.length > 0) return true;
  return false;
}

/** Compares the firewalls `before` and `after` build: per family and hook, the traffic whose verdict changes. */
export function diffFirewalls(before: FirewallModel, after: FirewallModel, options: DiffOptions = {}): FirewallDiff {
  const families = options.families ?? (['ip', 'ipv6'] as const).filter((f) => hasRules(before, f) || hasRules(after, f));
  const out: FamilyDiff[] = families.map((f) => diffFamily(before, after, f, options));
  const doubtful = (r: Rule) => r.source.conditional || !!r.source.uncertain?.length || !r.positionKnown;
  const keysOf = (m: FirewallModel) => {
    const k = new Map<string, number>();
    for (const t of m.tables.values()) {
      if (!families.includes(t.family) || !WALKED.has(t.name)) continue;
      for (const r of t.rules) if (doubtful(r)) k.set(pairKey(`${t.family} ${t.name}`, r), (k.get(pairKey(`${t.family} ${t.name}`, r)) ?? 0) + 1);
    }
    return k;
  };
  // a doubtful rule the other script has alike (same text, doubtful there too) is the same doubt on both sides
  const uncertain = (m: FirewallModel, other: Map<string, number>) => {
    const left = new Map(other);
    const rs: Rule[] = [];
    for (const t of m.tables.values()) {
      if (!families.includes(t.family) || !WALKED.has(t.name)) continue;
      for (const r of t.rules) {
        if (!doubtful(r)) continue;
        const k = pairKey(`${t.family} ${t.name}`, r);
        const n = left.get(k) ?? 0;
        if (n > 0) left.set(k, n - 1);
        else rs.push(r);
      }
    }
    return rs;
  };
  const kb = keysOf(before);
  const ka = keysOf(after);
  return { complete: out.every((f) => f.complete), families: out, uncertain: { before: uncertain(before, ka), after: uncertain(after, kb) } };
}

class Budget {
  used = 0;
  constructor(readonly limit: number) {}
  /** Charges `n` operations; false when the budget is spent. */
  charge(n: number): boolean {
    this.used += n;
    return this.used <= this.limit;
  }
}

export function diffFamily(before: FirewallModel, after: FirewallModel, family: Family, options: DiffOptions = {}): FamilyDiff {
  const [sa, sb] = jointSpaces(before, after, family);
  const ra = analyze(before, family, { space: sa, budget: options.budget });
  const rb = analyze(after, family, { space: sb, budget: options.budget });
  const budget = new Budget(options.compareBudget ?? 2_000_000);
  const result: FamilyDiff = { family, complete: ra.complete && rb.complete, spaces: [sa, sb], pieces: [], work: ra.work + rb.work };
  if (!result.complete) return result;
  const inter = (x: PacketSet, y: PacketSet): PacketSet | undefined => (budget.charge(x.cubes.length * y.cubes.length) ? x.intersect(y) : undefined);
  const minus = (x0: PacketSet, y: PacketSet): PacketSet | undefined => {
    // cubes that the other side has too, coordinate for coordinate, go first (a reordering leaves most
    // of them alone): cheap, and the pairwise subtraction then runs on what differs
    const keys = new Set(y.cubes.map(cubeKey));
    const x = new PacketSet(x0.space, x0.cubes.filter((c) => !keys.has(cubeKey(c))));
    if (x.isEmpty()) return x;
    if (!budget.charge(x.cubes.length * Math.max(1, y.cubes.length))) return undefined;
    const r = x.subtract(y);
    return budget.charge(r.cubes.length) ? r : undefined;
  };
  outer: for (const hook of HOOKS) {
    const va = ra.hook(hook);
    const vb = rb.hook(hook);
    // the region whose verdict changes: what had verdict v before and has not now
    let changed = PacketSet.empty(sa);
    for (const v of VERDICTS) {
      const d = minus(va[v], vb[v]);
      if (!d) {
        result.complete = false;
        break outer;
      }
      changed = changed.union(d);
    }
    if (changed.isEmpty()) continue;
    const oa = outcomes(ra, before, family, hook);
    const ob = outcomes(rb, after, family, hook);
    for (const a of oa) {
      const x = inter(a.set, changed);
      if (!x) {
        result.complete = false;
        break outer;
      }
      if (x.isEmpty()) continue;
      for (const b of ob) {
        if (b.outcome.verdict === a.outcome.verdict) continue;
        const y = inter(x, b.set);
        if (!y) {
          result.complete = false;
          break outer;
        }
        if (y.isEmpty()) continue;
        const ruleDoubt = [...doubt(a.outcome.rule, 'before'), ...doubt(b.outcome.rule, 'after')];
        const certain = new PacketSet(sb, y.certain().cubes);
        const uncertain = new PacketSet(sb, y.uncertain().cubes);
        for (const [set, unknown] of [[certain, false], [uncertain, true]] as const) {
          if (set.isEmpty()) continue;
          const mayBecause = unknown ? [...ruleDoubt, `it depends on conditions the script cannot know (${unknownLabels(sb, set).join(', ')})`] : ruleDoubt;
          result.pieces.push({ family, hook, before: a.outcome, after: b.outcome, set, may: mayBecause.length > 0, mayBecause });
        }
      }
    }
  }
  result.work += budget.used;
  if (options.witnesses ?? true) {
    for (const p of result.pieces) p.witness = witnessOf(before, after, sa, sb, p);
  }
  return result;
}

/** The coordinates of a cube (not its trip) as text: equal keys, equal packets. */
function cubeKey(c: Cube): string {
  let k = '';
  for (const m of c.e) k += m.toString(36) + ',';
  for (const iv of c.iv) k += iv.join(':') + ',';
  return `${k}${c.bt.toString(36)}/${c.bf.toString(36)}/${c.fon}/${c.foff}`;
}

function doubt(rule: Rule | undefined, side: string): string[] {
  if (!rule) return [];
  const out: string[] = [];
  if (rule.source.uncertain?.length || rule.source.conditional) out.push(`the deciding rule ${side} may not take effect (${rule.source.uncertain?.[0] ?? 'inside a condition or loop'})`);
  if (!rule.positionKnown) out.push(`the position of the deciding rule ${side} is not known`);
  return out;
}

function unknownLabels(space: Space, set: PacketSet): string[] {
  const labels = new Set<string>();
  for (const c of set.cubes) {
    let bits = c.bt | c.bf;
    for (let i = 0; bits !== 0n; i++, bits >>= 1n) {
      if ((bits & 1n) === 0n) continue;
      const d = space.dims[i];
      if (d.kind === 'unknown') labels.add(d.label ?? d.key);
    }
  }
  return [...labels].slice(0, 3);
}

/** The hook's entering packets by outcome (verdict and deciding rule). */
function outcomes(r: FamilyReach, model: FirewallModel, family: Family, hook: Hook): Array<{ outcome: Outcome; set: PacketSet }> {
  const out: Array<{ outcome: Outcome; set: PacketSet }> = [];
  const byRule = new Map<Rule | undefined, Cube[]>();
  for (const c of r.hook(hook).accept.cubes) {
    const l = byRule.get(c.trip.by);
    if (l) l.push(c);
    else byRule.set(c.trip.by, [c]);
  }
  for (const [rule, cubes] of byRule) out.push({ outcome: { verdict: 'accept', rule }, set: new PacketSet(r.space, cubes) });
  for (const t of model.tables.values()) {
    if (t.family !== family || !WALKED.has(t.name)) continue;
    for (const rule of t.rules) {
      const k = actionOf(rule).kind;
      if (k !== 'drop' && k !== 'reject' && k !== 'tarpit') continue;
      const set = r.decided(rule).onHook(hook);
      if (!set.isEmpty()) out.push({ outcome: { verdict: k, rule }, set });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Witnesses: one concrete packet of a piece, replayed on both sides

/** `198.51.100.7` / `2001:db8::7` text of an address value. */
export function addressText(v: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  // the longest run of zero groups becomes `::`
  let best = -1;
  let len = 0;
  for (let i = 0; i < 8; ) {
    if (g[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === '0') j++;
    if (j - i > len && j - i > 1) {
      best = i;
      len = j - i;
    }
    i = j;
  }
  if (best < 0) return g.join(':');
  return `${g.slice(0, best).join(':')}::${g.slice(best + len).join(':')}`;
}

function ip4(t: string): bigint {
  return t.split('.').reduce((a, x) => (a << 8n) | BigInt(Number(x)), 0n);
}
function ip6(groups: number[]): bigint {
  return groups.reduce((a, x) => (a << 16n) | BigInt(x), 0n);
}

const PREF_ADDR: Record<'v4' | 'v6', Record<'wan' | 'router' | 'lan', bigint>> = {
  v4: { wan: ip4('198.51.100.7'), router: ip4('203.0.113.1'), lan: ip4('192.168.88.10') },
  v6: { wan: ip6([0x2001, 0xdb8, 0x100, 0, 0, 0, 0, 7]), router: ip6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), lan: ip6([0x2001, 0xdb8, 0x200, 0, 0, 0, 0, 0x10]) },
};

function lowBit(mask: bigint, prefs: readonly number[] = []): number {
  for (const p of prefs) if (p >= 0 && (mask >> BigInt(p)) & 1n) return p;
  for (let i = 0; ; i++) if ((mask >> BigInt(i)) & 1n) return i;
}

function pickNum(set: I.ISet<number>, prefs: readonly number[]): number {
  for (const p of prefs) if (I.has(set, p)) return p;
  for (let i = 0; i < set.length; i += 2) if (set[i + 1] >= 0) return Math.max(0, set[i]);
  return set[0];
}

function pickAddr(set: I.ISet<bigint>, prefs: readonly bigint[]): bigint {
  for (const p of prefs) if (I.has(set, p)) return p;
  // the first value that is not a network's zero address when the range allows it
  const lo = set[0];
  return set[1] > lo ? lo + 1n : lo;
}

/** A concrete packet of the piece's first cube (certain values preferred), replayed on both sides. */
function witnessOf(before: FirewallModel, after: FirewallModel, sa: Space, sb: Space, p: DiffPiece): Witness {
  const c = p.set.cubes[0];
  const v6 = sb.v6;
  const hook = p.hook;
  const protos = sb.protocols;
  const pi = lowBit(c.e[E_PROTO], ['tcp', 'udp', 'icmp', 'icmpv6'].map((x) => protos.indexOf(x)));
  const proto = pi < protos.length ? protos[pi] : ['gre', 'ospf', 'vrrp', '47'].find((x) => !protos.includes(x))!;
  const hasPorts = PORT_PROTOCOLS.has(proto);
  const state = STATES[lowBit(c.e[E_STATE], [0, 1])];
  const nat = NAT_VALUES[lowBit(c.e[E_NAT], [0])];
  const dType = ADDR_TYPES[lowBit(c.e[E_DTYPE], hook === 'input' ? [1] : [0])];
  const sType = ADDR_TYPES[lowBit(c.e[E_STYPE], hook === 'output' ? [1] : [0])];
  const cmark = sb.marks.connection[lowBit(c.e[E_CMARK], [0])];
  const mi = lowBit(c.e[E_MAC], [0]);
  const pref = PREF_ADDR[v6 ? 'v6' : 'v4'];
  // a list the packet must not be in (and whose dimension is its whole membership): not one of its entries
  const outside = (f: number, srcSide: boolean): I.ISet<bigint> => {
    let set = c.iv[f] as I.ISet<bigint>;
    sb.dims.forEach((d, i) => {
      if (d.kind !== 'list' || d.src !== srcSide || ((c.bf >> BigInt(i)) & 1n) === 0n || sb.listEntries(d.list!)) return;
      const rest = I.subtract(set, sb.staticEntries(after, d.list!).set, 1n);
      if (rest.length > 0) set = rest;
    });
    return set;
  };
  const src = pickAddr(outside(I_SADDR, true), hook === 'output' ? [pref.router] : [pref.wan, pref.lan]);
  const dst = pickAddr(outside(I_DADDR, false), hook === 'input' ? [pref.router] : [pref.lan, pref.wan]);
  const dstPort = hasPorts ? pickNum(c.iv[I_DPORT] as I.ISet<number>, []) : undefined;
  const srcPort = hasPorts ? pickNum(c.iv[I_SPORT] as I.ISet<number>, [40000]) : undefined;
  const size = pickNum(c.iv[I_SIZE] as I.ISet<number>, [v6 ? 80 : 60, v6 ? 48 : 28, 100]);
  let flags: string[] | undefined;
  if (proto === 'tcp') {
    const want = state === 'new' ? 1 << FLAGS.indexOf('syn') : 1 << FLAGS.indexOf('ack');
    const bits = (c.fon | want) & ~c.foff;
    flags = FLAGS.filter((_f, i) => bits & (1 << i));
  }
  const iface = (space: Space, mask: bigint): { name?: string; lists?: string[] } => {
    const i = lowBit(mask);
    if (i === 0) return {};
    const a = space.atoms[i];
    if (a.named) return { name: a.label };
    return { name: 'x-unnamed', lists: [...a.lists].filter((l) => l !== 'all') };
  };
  // boolean dimensions: constrained ones as the cube says, the others false
  const dimValue = (i: number) => ((c.bt >> BigInt(i)) & 1n) === 1n;
  const side = (model: FirewallModel, space: Space): WitnessSide => {
    const ii = iface(space, c.e[E_IN]);
    const oi = iface(space, c.e[E_OUT]);
    const inLists = [...(ii.lists ?? [])];
    const outLists = [...(oi.lists ?? [])];
    const seeded: string[] = [];
    const seeds: Array<[string, string]> = [];
    const srcText = addressText(src, v6);
    const dstText = addressText(dst, v6);
    space.dims.forEach((d, i) => {
      if (!dimValue(i)) return;
      if (d.kind === 'list') {
        seeds.push([d.list!, d.src ? srcText : dstText]);
        seeded.push(`${d.src ? 'src' : 'dst'}:${d.list}`);
      } else if (d.kind === 'iflist') {
        const m = /^(in|out)-list:(.*)$/.exec(d.key);
        if (m) (m[1] === 'in' ? inLists : outLists).push(m[2]);
      }
    });
    const packet: SimPacket = {
      time: 0,
      src: srcText,
      dst: dstText,
      protocol: proto,
      hook,
      state: state as SimPacket['state'],
      dstAddressType: dType as SimPacket['dstAddressType'],
      srcAddressType: sType as SimPacket['srcAddressType'],
      size,
    };
    if (hasPorts) {
      packet.dstPort = dstPort;
      packet.srcPort = srcPort;
    }
    if (flags) packet.tcpFlags = flags;
    if (ii.name !== undefined) packet.inInterface = ii.name;
    if (ii.lists !== undefined || inLists.length > 0) packet.inInterfaceLists = inLists;
    if (oi.name !== undefined) packet.outInterface = oi.name;
    if (oi.lists !== undefined || outLists.length > 0) packet.outInterfaceLists = outLists;
    if (nat !== 'none') packet.natState = nat === 'both' ? ['srcnat', 'dstnat'] : [nat];
    if (cmark !== 'no-mark' && cmark !== OTHER) packet.connectionMark = cmark;
    if (cmark === OTHER) packet.connectionMark = 'x-other-mark';
    if (mi > 0) packet.srcMac = space.macs[mi];
    const assume = (rule: Rule, label: string): boolean => {
      const d = space.findDim(`x:${label}`) ?? space.findDim(`u:${space.matchKey(rule.match)}:${label}`);
      return d ? dimValue(d.index) : false;
    };
    const sim = new Simulator(model, { family: space.family, assume });
    for (const [list, addr] of seeds) sim.seedList(list, addr);
    const t = sim.send(packet);
    return { packet, seeded, verdict: t.verdict, rule: t.verdictRule };
  };
  const b = side(before, sa);
  const a = side(after, sb);
  const agrees = b.verdict === p.before.verdict && a.verdict === p.after.verdict && b.rule === p.before.rule && a.rule === p.after.rule;
  return { before: b, after: a, agrees };
}

export { E_IN, E_OUT };
