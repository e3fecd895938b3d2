// The reasoning layer over the firewall model: does rule A match every packet rule B matches
// (`covers`)? could they match a common packet (`mayOverlap`)? which rules does a packet meet before
// reaching a rule (`pathTo`, `rulesBefore`), following jumps into custom chains and `return`?
//
// Soundness direction: `covers` answers true only when it can prove it (anything unknown -> false);
// `mayOverlap` answers false only when it can prove the rules disjoint (anything unknown -> true).
// So "A hides B" claims built on `covers` never rest on guesses.
//
// Interface lists: members are the ones the file adds. Two lists with different names and no known
// common member are taken as disjoint (so `in-interface-list=!LAN` covers `in-interface-list=WAN`);
// `all` contains every interface; `dynamic`/`static` are never assumed disjoint from anything.
//
// Limitations (documented in ARCHITECTURE.md): matchers the layer does not understand (in `other`, or
// stateful ones: limit, dst-limit, psd, nth, random) on A make `covers` false; address lists are
// compared by name only (a list and an address never cover each other); with a conjunction of rules
// on B's side (a jump plus the rule it leads to), each of A's conditions must follow from one of them
// (no intersection of constraints across them).

import type { Family, FirewallModel, Match, Neg, PortSet, Rule, TableName, Unknown } from './types';
import { parseAddress } from './values';

// ---------------------------------------------------------------------------------------------
// Interval sets over bigint (ports, packet sizes, addresses)

type Interval = [bigint, bigint];
type ISet = Interval[];

function normalize(set: ISet): ISet {
  const s = [...set].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: ISet = [];
  for (const [lo, hi] of s) {
    const last = out[out.length - 1];
    if (last && lo <= last[1] + 1n) {
      if (hi > last[1]) last[1] = hi;
    } else out.push([lo, hi]);
  }
  return out;
}

function complement(set: ISet, universe: Interval): ISet {
  const s = normalize(set);
  const out: ISet = [];
  let cur = universe[0];
  for (const [lo, hi] of s) {
    if (hi < cur) continue;
    if (lo > universe[1]) break;
    if (lo > cur) out.push([cur, lo - 1n]);
    cur = hi + 1n;
  }
  if (cur <= universe[1]) out.push([cur, universe[1]]);
  return out;
}

function subset(a: ISet, b: ISet): boolean {
  const nb = normalize(b);
  for (const [lo, hi] of normalize(a)) {
    if (!nb.some(([l2, h2]) => l2 <= lo && hi <= h2)) return false;
  }
  return true;
}

function intersects(a: ISet, b: ISet): boolean {
  for (const [lo, hi] of a) for (const [l2, h2] of b) if (lo <= h2 && l2 <= hi) return true;
  return false;
}

const PORTS: Interval = [0n, 65535n];
const V4: Interval = [0n, (1n << 32n) - 1n];
const V6: Interval = [0n, (1n << 128n) - 1n];

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

function portISet(n: Neg<PortSet> | undefined): ISet | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  const s: ISet = n.value.map(([lo, hi]) => [BigInt(lo), BigInt(hi)]);
  return n.negated ? complement(s, PORTS) : normalize(s);
}

function rangeISet(n: Neg<[number, number]> | undefined): ISet | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  const s: ISet = [[BigInt(n.value[0]), BigInt(n.value[1])]];
  return n.negated ? complement(s, PORTS) : s;
}

function addrISet(n: Neg<string> | undefined): { set: ISet; v6: boolean } | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  const r = parseAddress(n.value);
  if (!r) return undefined;
  const s: ISet = [[r.lo, r.hi]];
  return { set: n.negated ? complement(s, r.v6 ? V6 : V4) : s, v6: r.v6 };
}

// ---------------------------------------------------------------------------------------------
// Finite enumerations (connection-state)

const CONN_STATES = ['established', 'related', 'new', 'invalid', 'untracked'];
const NAT_STATES = ['srcnat', 'dstnat'];

function enumSet(n: Neg<string[]> | undefined, universe: string[]): Set<string> | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  const listed = new Set(n.value.map((s) => s.toLowerCase()));
  for (const s of listed) if (!universe.includes(s)) return undefined;
  return n.negated ? new Set(universe.filter((u) => !listed.has(u))) : listed;
}

// ---------------------------------------------------------------------------------------------
// Interface lists

const ALL_LIST = 'all';
const UNKNOWN_BUILTINS = new Set(['dynamic', 'static']);

function listMembers(model: FirewallModel, name: string): { members: Set<string>; includes: string[] } {
  const l = model.interfaceLists.get(name);
  return { members: new Set(l?.members ?? []), includes: l?.include ?? [] };
}

/** Is interface `iface` a known member of `list` (directly or through `include=`)? */
function knownMember(model: FirewallModel, iface: string, list: string, depth = 0): boolean {
  if (list === ALL_LIST) return true;
  const { members, includes } = listMembers(model, list);
  if (members.has(iface)) return true;
  return depth < 8 && includes.some((inc) => knownMember(model, iface, inc, depth + 1));
}

/** Is every interface of list `m` in list `l`? (only from names, `all`, and `include=`) */
function listWithin(model: FirewallModel, m: string, l: string, depth = 0): boolean {
  if (m === l || l === ALL_LIST) return true;
  if (m === 'none') return true;
  const inc = listMembers(model, l).includes;
  return depth < 8 && inc.some((i) => listWithin(model, m, i, depth + 1));
}

/** Lists with different names and no known common member are taken as disjoint. */
export function listsDisjoint(model: FirewallModel, l: string, m: string): boolean {
  if (l === m) return false;
  if (l === 'none' || m === 'none') return true;
  if (l === ALL_LIST || m === ALL_LIST) return false;
  if (UNKNOWN_BUILTINS.has(l) || UNKNOWN_BUILTINS.has(m)) return false;
  if (listWithin(model, l, m) || listWithin(model, m, l)) return false;
  const a = allMembers(model, l);
  for (const x of allMembers(model, m)) if (a.has(x)) return false;
  return true;
}

function allMembers(model: FirewallModel, list: string, depth = 0, out = new Set<string>()): Set<string> {
  const { members, includes } = listMembers(model, list);
  for (const x of members) out.add(x);
  if (depth < 8) for (const inc of includes) allMembers(model, inc, depth + 1, out);
  return out;
}

/** Does the file define the list's members completely enough to say an interface is NOT in it? */
function membersComplete(model: FirewallModel, list: string): boolean {
  if (list === ALL_LIST || UNKNOWN_BUILTINS.has(list)) return false;
  const l = model.interfaceLists.get(list);
  return !!l && l.members.length > 0 && !l.unknownMembers;
}

interface IfaceSide {
  iface?: Neg<string>;
  list?: Neg<string>;
}

type Known<T> = { negated: boolean; value: T };

function known<T>(n: Neg<T> | undefined): Known<T> | undefined {
  if (!n || isUnknown(n.value)) return undefined;
  return n as Known<T>;
}

/** Does B's interface constraint (iface and/or list) imply A's constraint `c` (an interface)? */
function impliesIface(model: FirewallModel, c: Known<string>, b: IfaceSide): boolean {
  const bi = known(b.iface);
  const bl = known(b.list);
  if (bi) {
    if (!c.negated && !bi.negated && bi.value === c.value) return true;
    if (c.negated && !bi.negated && bi.value !== c.value) return true;
    if (c.negated && bi.negated && bi.value === c.value) return true;
  }
  if (bl && !bl.negated) {
    // every interface of list bl is (not) c.value
    if (c.negated && !knownMember(model, c.value, bl.value) && bl.value !== ALL_LIST && !UNKNOWN_BUILTINS.has(bl.value)) {
      if (membersComplete(model, bl.value) || !model.interfaceLists.get(bl.value)?.unknownMembers) return true;
    }
    if (!c.negated && membersComplete(model, bl.value)) {
      const all = allMembers(model, bl.value);
      if (all.size === 1 && all.has(c.value) && listMembers(model, bl.value).includes.length === 0) return true;
    }
  }
  if (bl && bl.negated && !c.negated) return false;
  return false;
}

/** Does B's interface constraint imply A's list constraint `c`? */
function impliesList(model: FirewallModel, c: Known<string>, b: IfaceSide): boolean {
  const bi = known(b.iface);
  const bl = known(b.list);
  if (bl) {
    if (!c.negated && !bl.negated && listWithin(model, bl.value, c.value)) return true;
    if (c.negated && bl.negated && listWithin(model, c.value, bl.value)) return true;
    if (c.negated && !bl.negated && listsDisjoint(model, c.value, bl.value)) return true;
  }
  if (bi && !bi.negated) {
    if (!c.negated && knownMember(model, bi.value, c.value)) return true;
    if (c.negated && c.value !== ALL_LIST && !UNKNOWN_BUILTINS.has(c.value) && !knownMember(model, bi.value, c.value)) {
      // the interface is not a known member: by the rule for lists, take them as disjoint
      return true;
    }
  }
  return false;
}

function ifaceDisjoint(model: FirewallModel, a: IfaceSide, b: IfaceSide): boolean {
  const ai = known(a.iface);
  const bi = known(b.iface);
  const al = known(a.list);
  const bl = known(b.list);
  if (ai && bi) {
    if (!ai.negated && !bi.negated && ai.value !== bi.value) return true;
    if (ai.negated !== bi.negated && ai.value === bi.value) return true;
  }
  if (al && bl) {
    if (!al.negated && !bl.negated && listsDisjoint(model, al.value, bl.value)) return true;
    if (al.negated !== bl.negated && al.value === bl.value) return true;
    if (al.negated && !bl.negated && listWithin(model, bl.value, al.value)) return true;
    if (!al.negated && bl.negated && listWithin(model, al.value, bl.value)) return true;
  }
  for (const [i, l] of [
    [ai, bl],
    [bi, al],
  ] as const) {
    if (!i || !l) continue;
    if (!i.negated && !l.negated && membersComplete(model, l.value) && !knownMember(model, i.value, l.value)) return true;
    if (!i.negated && l.negated && knownMember(model, i.value, l.value)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// covers

/** Matchers whose result depends on per-rule state: a rule with one never provably covers another. */
const STATEFUL_OTHER = new Set(['nth', 'random', 'per-connection-classifier', 'connection-rate', 'hotspot']);

function sameNeg<T>(a: Neg<T>, b: Neg<T> | undefined): boolean {
  if (!b || isUnknown(a.value) || isUnknown(b.value)) return false;
  return a.negated === b.negated && JSON.stringify(a.value) === JSON.stringify(b.value);
}

/**
 * Does every packet that matches ALL of `bs` also match `a`? Sufficient test: each condition of `a`
 * must follow from one of `bs`.
 */
export function matchCovers(a: Match, bs: Match[], model: FirewallModel): boolean {
  const some = (f: (b: Match) => boolean) => bs.some(f);

  if (a.protocol) {
    const ap = known(a.protocol);
    if (!ap) return false;
    const ok = some((b) => {
      const bp = known(b.protocol);
      if (!bp) return false;
      if (!ap.negated) return !bp.negated && bp.value === ap.value;
      return (!bp.negated && bp.value !== ap.value) || (bp.negated && bp.value === ap.value);
    });
    if (!ok) return false;
  }

  for (const key of ['srcPort', 'dstPort'] as const) {
    const an = a[key];
    if (!an) continue;
    const as = portISet(an);
    if (!as) return false;
    if (!some((b) => {
      const bs2 = portISet(b[key]);
      return !!bs2 && subset(bs2, as);
    })) return false;
  }
  if (a.anyPort) {
    const as = portISet(a.anyPort);
    if (!as) return false;
    if (!some((b) => {
      for (const k of ['anyPort', 'dstPort', 'srcPort'] as const) {
        const n = b[k];
        if (n && !n.negated) {
          const s = portISet(n);
          if (s && subset(s, as)) return true;
        }
      }
      return false;
    })) return false;
  }

  for (const key of ['srcAddress', 'dstAddress'] as const) {
    const an = a[key];
    if (!an) continue;
    const as = addrISet(an);
    if (!as) return false;
    if (!some((b) => {
      const bs2 = addrISet(b[key]);
      return !!bs2 && bs2.v6 === as.v6 && subset(bs2.set, as.set);
    })) return false;
  }

  for (const key of ['srcAddressList', 'dstAddressList', 'layer7Protocol', 'srcMacAddress', 'icmpOptions'] as const) {
    const an = a[key];
    if (!an) continue;
    if (!some((b) => sameNeg(an, b[key]))) return false;
  }

  for (const [iKey, lKey] of [
    ['inInterface', 'inInterfaceList'],
    ['outInterface', 'outInterfaceList'],
  ] as const) {
    const ai = a[iKey];
    const al = a[lKey];
    if (ai) {
      const c = known(ai);
      if (!c || !some((b) => impliesIface(model, c, { iface: b[iKey], list: b[lKey] }))) return false;
    }
    if (al) {
      const c = known(al);
      if (!c || !some((b) => impliesList(model, c, { iface: b[iKey], list: b[lKey] }))) return false;
    }
  }

  for (const [key, universe] of [
    ['connectionState', CONN_STATES],
    ['connectionNatState', NAT_STATES],
  ] as const) {
    const an = a[key];
    if (!an) continue;
    const as = enumSet(an, universe);
    if (!as) return false;
    if (!some((b) => {
      const bs2 = enumSet(b[key], universe);
      return !!bs2 && [...bs2].every((x) => as.has(x));
    })) return false;
  }

  if (a.tcpFlags) {
    const af = known(a.tcpFlags);
    if (!af) return false;
    if (!some((b) => {
      const bf = known(b.tcpFlags);
      return !!bf && af.value.every((f) => bf.value.includes(f));
    })) return false;
  }

  if (a.packetSize) {
    const as = rangeISet(a.packetSize);
    if (!as) return false;
    if (!some((b) => {
      const bs2 = rangeISet(b.packetSize);
      return !!bs2 && subset(bs2, as);
    })) return false;
  }

  // rate and scan matchers hold per-rule state: never provably covering
  if (a.limit !== undefined || a.dstLimit !== undefined || a.psd !== undefined) return false;
  if (a.connectionLimit !== undefined && !some((b) => b.connectionLimit === a.connectionLimit)) return false;

  for (const [k, v] of Object.entries(a.other)) {
    if (STATEFUL_OTHER.has(k)) return false;
    if (!some((b) => b.other[k] === v)) return false;
  }
  return true;
}

/** Does rule `a` match every packet rule `b` matches? (chains and actions are not compared) */
export function covers(a: Rule, b: Rule, model: FirewallModel): boolean {
  if (a.family !== b.family) return false;
  if ((a.dynamicProps ?? []).some((p) => p === 'chain')) return false;
  return matchCovers(a.match, [b.match], model);
}

// ---------------------------------------------------------------------------------------------
// mayOverlap

function negDisjoint<T>(a: Neg<T> | undefined, b: Neg<T> | undefined): boolean {
  const x = known(a);
  const y = known(b);
  if (!x || !y) return false;
  const same = JSON.stringify(x.value) === JSON.stringify(y.value);
  if (x.negated !== y.negated) return same;
  return false;
}

/** Could one packet match both `a` and `b`? True unless provably disjoint. */
export function matchMayOverlap(a: Match, b: Match, model: FirewallModel): boolean {
  const ap = known(a.protocol);
  const bp = known(b.protocol);
  if (ap && bp) {
    if (!ap.negated && !bp.negated && ap.value !== bp.value) return false;
    if (ap.negated !== bp.negated && ap.value === bp.value) return false;
  }
  for (const key of ['srcPort', 'dstPort', 'anyPort'] as const) {
    const x = portISet(a[key]);
    const y = portISet(b[key]);
    if (x && y && !intersects(x, y)) return false;
  }
  for (const key of ['srcAddress', 'dstAddress'] as const) {
    const x = addrISet(a[key]);
    const y = addrISet(b[key]);
    if (x && y && x.v6 === y.v6 && !intersects(x.set, y.set)) return false;
  }
  for (const key of ['srcAddressList', 'dstAddressList', 'layer7Protocol', 'icmpOptions'] as const) {
    if (negDisjoint(a[key], b[key])) return false;
  }
  const am = known(a.srcMacAddress);
  const bm = known(b.srcMacAddress);
  if (am && bm && ((!am.negated && !bm.negated && am.value !== bm.value) || (am.negated !== bm.negated && am.value === bm.value))) return false;
  if (ifaceDisjoint(model, { iface: a.inInterface, list: a.inInterfaceList }, { iface: b.inInterface, list: b.inInterfaceList })) return false;
  if (ifaceDisjoint(model, { iface: a.outInterface, list: a.outInterfaceList }, { iface: b.outInterface, list: b.outInterfaceList })) return false;
  for (const [key, universe] of [
    ['connectionState', CONN_STATES],
    ['connectionNatState', NAT_STATES],
  ] as const) {
    const x = enumSet(a[key], universe);
    const y = enumSet(b[key], universe);
    if (x && y && ![...x].some((s) => y.has(s))) return false;
  }
  const af = known(a.tcpFlags);
  const bf = known(b.tcpFlags);
  if (af && bf) {
    for (const f of af.value) {
      const opposite = f.startsWith('!') ? f.slice(1) : '!' + f;
      if (bf.value.includes(opposite)) return false;
    }
  }
  const as = rangeISet(a.packetSize);
  const bs = rangeISet(b.packetSize);
  if (as && bs && !intersects(as, bs)) return false;
  return true;
}

/** Could one packet match both rules? Unknown values count as "yes". */
export function mayOverlap(a: Rule, b: Rule, model: FirewallModel): boolean {
  if (a.family !== b.family) return false;
  return matchMayOverlap(a.match, b.match, model);
}

// ---------------------------------------------------------------------------------------------
// Paths through chains

const BUILTIN_CHAINS: Record<TableName, string[]> = {
  filter: ['input', 'forward', 'output'],
  nat: ['dstnat', 'srcnat', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  raw: ['prerouting', 'output'],
};

export function builtinChains(table: TableName): string[] {
  return BUILTIN_CHAINS[table];
}

/** Actions after which a matched packet does not go on to later rules of the table. */
const TERMINAL = new Set(['accept', 'drop', 'reject', 'tarpit', 'fasttrack-connection-accept']);

export interface PathStep {
  rule: Rule;
  /** Jump rules that must all have matched for the packet to meet `rule` (outermost first). */
  via: Rule[];
  /**
   * True when, if `rule` matches, the packet cannot reach the target: accept/drop/reject/tarpit, a
   * `return` in the chain the target lives in (or one leading to it), a raw `drop`.
   */
  terminal: boolean;
}

export interface RulePath {
  family: Family;
  table: TableName;
  /** The built-in chain the packet enters (input, forward, ...). */
  entry: string;
  /** The jump rules taken to reach the target, outermost first (empty in a built-in chain). */
  jumps: Rule[];
  /** Enabled rules met before the target, in order (side chains a jump may enter included). */
  steps: PathStep[];
}

interface TableIndex {
  chains: Map<string, Rule[]>;
  /** chain -> chains reachable from it through jumps (itself included). */
  reach: Map<string, Set<string>>;
}

const indexCache = new WeakMap<FirewallModel, Map<string, TableIndex>>();

function tableIndex(model: FirewallModel, family: Family, table: TableName): TableIndex | undefined {
  let perModel = indexCache.get(model);
  if (!perModel) {
    perModel = new Map();
    indexCache.set(model, perModel);
  }
  const key = `${family} ${table}`;
  const cached = perModel.get(key);
  if (cached) return cached;
  const t = model.tables.get(key);
  if (!t) return undefined;
  const chains = new Map<string, Rule[]>();
  for (const r of t.rules) {
    let list = chains.get(r.chain);
    if (!list) chains.set(r.chain, (list = []));
    list.push(r);
  }
  const reach = new Map<string, Set<string>>();
  const reachOf = (c: string): Set<string> => {
    const done = reach.get(c);
    if (done) return done;
    const seen = new Set<string>([c]);
    const stack = [c];
    while (stack.length) {
      const cur = stack.pop()!;
      for (const r of chains.get(cur) ?? []) {
        if (r.action === 'jump' && !r.disabled && r.jumpTarget && !seen.has(r.jumpTarget)) {
          seen.add(r.jumpTarget);
          stack.push(r.jumpTarget);
        }
      }
    }
    reach.set(c, seen);
    return seen;
  };
  for (const c of chains.keys()) reachOf(c);
  const idx = { chains, reach };
  perModel.set(key, idx);
  return idx;
}

const MAX_PATHS = 32;
const MAX_DEPTH = 12;

/**
 * The ways a packet can reach `target`: from each built-in chain of its table, through the jumps that
 * lead to its chain. Disabled rules are skipped (the target itself is walked to even when disabled, so a
 * rule can be analysed "as if enabled"). For a filter rule reached from input or forward, the raw table's
 * prerouting rules come first (only their `drop`s are terminal for the filter). Empty when the rule's
 * chain is not reachable from any built-in chain. At most 32 paths.
 */
export function pathTo(target: Rule, model: FirewallModel): RulePath[] {
  const idx = tableIndex(model, target.family, target.table);
  if (!idx) return [];
  const paths: RulePath[] = [];
  for (const entry of BUILTIN_CHAINS[target.table]) {
    if (!idx.reach.get(entry)?.has(target.chain) && entry !== target.chain) continue;
    const prefix: PathStep[] = [];
    if (target.table === 'filter' && (entry === 'input' || entry === 'forward')) {
      const raw = tableIndex(model, target.family, 'raw');
      // raw: a drop stops the packet; an accept only ends the raw table (the packet goes on to filter)
      if (raw) flatten(raw, 'prerouting', [], prefix, 0, new Set(), (r) => r.action === 'drop', (r) => r.action === 'accept' || r.action === 'return', target, model, []);
    }
    search(idx, entry, target, model, [], prefix, 0, new Set(), (p) => {
      if (paths.length < MAX_PATHS) paths.push({ family: target.family, table: target.table, entry, jumps: p.jumps, steps: p.steps });
    });
  }
  return paths;
}

function search(
  idx: TableIndex,
  chain: string,
  target: Rule,
  model: FirewallModel,
  via: Rule[],
  steps: PathStep[],
  depth: number,
  visiting: Set<string>,
  emit: (p: { jumps: Rule[]; steps: PathStep[] }) => void,
): void {
  if (depth > MAX_DEPTH || visiting.has(chain)) return;
  visiting.add(chain);
  const cur = [...steps];
  for (const r of idx.chains.get(chain) ?? []) {
    if (r === target) {
      emit({ jumps: via, steps: cur });
      break;
    }
    if (r.disabled) continue;
    if (r.action === 'jump' && r.jumpTarget) {
      cur.push({ rule: r, via, terminal: false });
      const jv = [...via, r];
      if (idx.reach.get(r.jumpTarget)?.has(target.chain) && !visiting.has(r.jumpTarget)) {
        search(idx, r.jumpTarget, target, model, jv, cur, depth + 1, visiting, emit);
      }
      // the packet may also jump, come back (return / end of chain) and go on here
      const term = (x: Rule) => TERMINAL.has(x.action);
      flatten(idx, r.jumpTarget, jv, cur, depth + 1, new Set(visiting), term, (x) => x.action === 'return', target, model, []);
      continue;
    }
    cur.push({ rule: r, via, terminal: TERMINAL.has(r.action) || r.action === 'return' });
  }
  visiting.delete(chain);
}

/**
 * Appends every enabled rule of `chain` (and chains it jumps to) as side steps. `escapes` are earlier
 * rules after which a packet leaves this side trip and goes on towards the target without being
 * stopped (a `return` in a side chain, an `accept` in the raw table): a later step is terminal only if
 * none of them could match the target's packets.
 */
function flatten(
  idx: TableIndex,
  chain: string,
  via: Rule[],
  out: PathStep[],
  depth: number,
  visiting: Set<string>,
  terminal: (r: Rule) => boolean,
  escape: (r: Rule) => boolean,
  target: Rule,
  model: FirewallModel,
  escapes: Rule[],
): void {
  if (depth > MAX_DEPTH || visiting.has(chain)) return;
  visiting.add(chain);
  const mine = [...escapes];
  for (const r of idx.chains.get(chain) ?? []) {
    if (r.disabled) continue;
    if (r.action === 'jump' && r.jumpTarget) {
      out.push({ rule: r, via, terminal: false });
      flatten(idx, r.jumpTarget, [...via, r], out, depth + 1, visiting, terminal, escape, target, model, mine);
      continue;
    }
    const stops = terminal(r) && !mine.some((e) => matchMayOverlap(e.match, target.match, model));
    out.push({ rule: r, via, terminal: stops });
    if (escape(r)) mine.push(r);
  }
  visiting.delete(chain);
}

/** Enabled rules a packet meets before `rule` on any path (first-seen order, no duplicates). */
export function rulesBefore(rule: Rule, model: FirewallModel): Rule[] {
  const seen = new Set<Rule>();
  for (const p of pathTo(rule, model)) for (const s of p.steps) seen.add(s.rule);
  return [...seen];
}

/**
 * Does terminal step `step` of `path` catch every packet that reaches `target` along that path? The
 * packets reaching the target match the target and every jump of `path.jumps`; the step catches them
 * when its rule matches them and so do the jumps it sits behind (`step.via`) beyond those.
 */
export function stepCatches(step: PathStep, path: RulePath, target: Rule, model: FirewallModel, assume: Match[] = []): boolean {
  if (!step.terminal) return false;
  const context = [target.match, ...path.jumps.map((j) => j.match), ...assume];
  const shared = new Set(path.jumps);
  for (const j of step.via) if (!shared.has(j) && !matchCovers(j.match, context, model)) return false;
  return matchCovers(step.rule.match, context, model);
}

export interface HideOptions {
  /** Actions that count as hiding (default: accept, drop, reject, tarpit, and `return`). */
  actions?: string[];
  /**
   * The target's packets that matter open new connections (a knock packet, the first packet of a
   * connection an accept admits): a hider limited to `connection-state=new` catches them. Applies when
   * the target has no connection-state of its own, or one that includes `new`.
   */
  newConnection?: boolean;
}

/** The packet conditions HideOptions adds to the target's own. */
function assumed(target: Rule, options: HideOptions): Match[] {
  if (!options.newConnection) return [];
  const cs = target.match.connectionState;
  if (cs) {
    const v = known(cs);
    if (!v || v.negated || !v.value.includes('new')) return [];
  }
  return [{ connectionState: { negated: false, value: ['new'] }, other: {} }];
}

/**
 * The rule that hides `target` (matches every packet of it earlier on its path), when EVERY path to the
 * target has one; undefined when some path reaches the target, when the target's chain is unreachable,
 * or when the order is uncertain (`positionKnown = false` on the target; such hiders are skipped too).
 */
export function hiddenBy(target: Rule, model: FirewallModel, options: HideOptions = {}): Rule | undefined {
  if (!target.positionKnown) return undefined;
  const actions = new Set(options.actions ?? ['accept', 'drop', 'reject', 'tarpit', 'return']);
  const paths = pathTo(target, model);
  if (paths.length === 0) return undefined;
  const assume = assumed(target, options);
  let first: Rule | undefined;
  for (const p of paths) {
    const hit = p.steps.find(
      (s) => s.rule.positionKnown && actions.has(s.rule.action) && stepCatches(s, p, target, model, assume),
    );
    if (!hit) return undefined;
    first ??= hit.rule;
  }
  return first;
}

/** Is the rule's chain reachable from a built-in chain (through enabled jumps)? */
export function reachable(rule: Rule, model: FirewallModel): boolean {
  return pathTo(rule, model).length > 0;
}

/**
 * The jump that keeps every packet of `rule` out of its chain, when every path to the rule has one:
 * a jump whose conditions no packet of the rule can meet (`jump protocol=tcp` in front of a UDP knock
 * stage, `jump dst-port=...,475` in front of `accept dst-port=457`). Undefined when some path lets
 * such a packet through, or when the chain is not reachable at all (see `reachable`).
 */
export function blockedByJump(rule: Rule, model: FirewallModel): Rule | undefined {
  const paths = pathTo(rule, model);
  if (paths.length === 0) return undefined;
  let first: Rule | undefined;
  for (const p of paths) {
    const j = p.jumps.find((x) => !matchMayOverlap(x.match, rule.match, model));
    if (!j) return undefined;
    first ??= j;
  }
  return first;
}
