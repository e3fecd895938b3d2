// Reachability over sets: every hook's universe of packets pushed through the pipeline (pipeline.ts)
// with each rule's compiled match (match.ts) splitting the cubes, exactly as the simulator walks one
// packet. For every rule: the packets that arrive at its position (`reach`) and the part its
// conditions match (`taken`); for every hook: the packets ending in each verdict, and which rule
// decided. Computed once per (model, family) and cached.

import type { Family, FirewallModel, Rule, TableName } from '../model/types';
import * as I from './iset';
import { matchOf } from './match';
import { actionOf, addTakesEffect, FLOW, MAX_JUMP_DEPTH } from './pipeline';
import { type Cube, NO_TRIP, PacketSet, type Trip, universe } from './sets';
import { HOOKS, type Hook, spaceOf, type Space } from './space';

export type Verdict = 'accept' | 'drop' | 'reject' | 'tarpit';

export interface RuleReach {
  rule: Rule;
  /** Packets that arrive at the rule's position, over every hook and jump that leads there. */
  reach: PacketSet;
  /**
   * The part of `reach` its conditions match: what it acts on (a disabled rule acts on nothing, this
   * is what it WOULD take if enabled here).
   */
  taken: PacketSet;
}

export interface HookVerdicts {
  hook: Hook;
  /** Every packet entering the hook (the universe). */
  entering: PacketSet;
  accept: PacketSet;
  drop: PacketSet;
  reject: PacketSet;
  tarpit: PacketSet;
  /** Accepted by the end of the last table's built-in chain (no rule decided). */
  implicitAccept: PacketSet;
}

export interface AnalyzeOptions {
  /** Rules treated as enabled although disabled (the "as if enabled" question). */
  enable?: ReadonlySet<Rule>;
  /** Rules treated as disabled. */
  disable?: ReadonlySet<Rule>;
  /** Abort (complete=false) after this much work (cubes times conditions split); default 100,000. */
  budget?: number;
  /**
   * Drop, reject, tarpit and filter accepts do not remove packets (they go on to the next rule): the
   * state each packet would have at each rule if no decision stopped it, for "does this rule ALONE
   * take every packet of that one" questions (model/reason.ts `stepCatches`). An accept in raw or
   * mangle still ends its table (the packet leaves it for the next table).
   */
  keepGoing?: boolean;
  /**
   * The space to analyse in (default `spaceOf(model, family)`): a view of `jointSpaces` so the sets of
   * two models can be compared. Must be a space of this model.
   */
  space?: Space;
}

export interface FamilyReach {
  family: Family;
  space: Space;
  /** False when the work budget ran out: sets are then incomplete and prove nothing. */
  complete: boolean;
  /** Per rule of this family's raw/mangle/filter tables (rules no hook reaches have empty sets). */
  rule(r: Rule): RuleReach | undefined;
  hook(h: Hook): HookVerdicts;
  /** The packets each terminal rule decided (accept: the last table's accept), per rule. */
  decided(r: Rule): PacketSet;
  /** Cube splits done (for benchmarks). */
  work: number;
}

const WALKED: ReadonlySet<TableName> = new Set(['raw', 'mangle', 'filter']);
/** A working set larger than this stops the analysis (complete=false). */
const MAX_CUBES = 1500;

class Walk {
  arrivals = new Map<Rule, Cube[][]>();
  takes = new Map<Rule, Cube[][]>();
  decided = new Map<Rule, Cube[][]>();
  work = 0;
  complete = true;
  drops: Record<'drop' | 'reject' | 'tarpit', Cube[]> = { drop: [], reject: [], tarpit: [] };

  constructor(
    readonly space: Space,
    readonly budget: number,
    readonly enabled: (r: Rule) => boolean,
    readonly keepGoing = false,
  ) {}

  /** Records `cubes` (never mutated afterwards: arrays are replaced, not changed) for `r`. */
  private push(m: Map<Rule, Cube[][]>, r: Rule, cubes: Cube[]): void {
    if (cubes.length === 0) return;
    const a = m.get(r);
    if (a) a.push(cubes);
    else m.set(r, [cubes]);
  }

  /** Walks `chain`; returns the cubes that come back (end / return) and those the table accepted. */
  chain(chains: Map<string, Rule[]>, name: string, cubes: Cube[], depth: number): { back: Cube[]; accepted: Cube[] } {
    const rules = chains.get(name);
    const accepted: Cube[] = [];
    if (rules === undefined) return { back: cubes, accepted };
    let cur = cubes;
    const returned: Cube[] = [];
    // compact when the set has doubled since the last compaction (compaction costs a pass)
    let limit = Math.max(64, 2 * cur.length);
    for (const r of rules) {
      if (cur.length === 0) break;
      this.push(this.arrivals, r, cur);
      const on = this.enabled(r);
      const cm = matchOf(this.space, r.match, r);
      this.work += cur.length * Math.max(1, cm.lits.length);
      if (this.work > this.budget) {
        this.complete = false;
        return { back: [], accepted };
      }
      const { yes, no } = cm.split(cur);
      this.push(this.takes, r, yes);
      if (!on || yes.length === 0) continue;
      const act = actionOf(r);
      switch (act.kind) {
        case 'accept':
          this.push(this.decided, r, yes);
          if (this.keepGoing && r.table === 'filter') {
            cur = no.concat(yes);
            break;
          }
          for (const c of yes) accepted.push(c.withTrip({ ...c.trip, by: r }));
          cur = no;
          break;
        case 'drop':
        case 'reject':
        case 'tarpit':
          for (const c of yes) this.drops[act.kind].push(c);
          this.push(this.decided, r, yes);
          cur = this.keepGoing ? no.concat(yes) : no;
          break;
        case 'return':
          for (const c of yes) returned.push(c);
          cur = no;
          break;
        case 'jump': {
          if (act.target === undefined || depth >= MAX_JUMP_DEPTH) {
            cur = no.concat(yes);
            break;
          }
          const sub = this.chain(chains, act.target, yes, depth + 1);
          for (const c of sub.accepted) accepted.push(c);
          cur = no.concat(sub.back);
          break;
        }
        case 'add-src':
        case 'add-dst': {
          if (act.list === undefined || !addTakesEffect(act.timeout)) {
            cur = no.concat(yes);
            break;
          }
          const b = 1n << BigInt(this.space.listDim(act.list, act.kind === 'add-src').index);
          cur = no.concat(yes.map((c) => (c.trip.added & b ? c : c.withTrip({ ...c.trip, added: c.trip.added | b }))));
          break;
        }
        case 'notrack':
          cur = no.concat(yes.map((c) => (c.trip.notrack ? c : c.withTrip({ ...c.trip, notrack: true }))));
          break;
        case 'mark':
        case 'continue': {
          let moved = yes;
          if (act.mark) {
            const k = act.mark.kind === 'packet' ? 'pmark' : act.mark.kind === 'connection' ? 'cmark' : 'rmark';
            const i = this.space.markIndex(act.mark.kind, act.mark.value);
            moved = yes.map((c) => c.withTrip({ ...c.trip, [k]: i } as Trip));
          }
          if (act.stops) {
            for (const c of moved) accepted.push(c.withTrip({ ...c.trip, by: r }));
            this.push(this.decided, r, moved);
            cur = no;
          } else cur = no.concat(moved);
          break;
        }
      }
      if (cur.length > limit) {
        // compaction is work too (a pass per merge field): charged, so a fragmenting file stops in bounded time
        this.work += cur.length * MERGE_FIELDS.length;
        if (this.work > this.budget) {
          this.complete = false;
          return { back: [], accepted };
        }
        cur = compact(cur);
        limit = Math.max(64, 2 * cur.length);
        if (cur.length > MAX_CUBES) {
          // fragmentation beyond what the cube representation handles well: give up, prove nothing
          this.complete = false;
          this.work = this.budget + 1;
          return { back: [], accepted };
        }
      }
    }
    return { back: returned.length > 0 ? returned.concat(cur) : cur, accepted };
  }
}

/** Fields compaction merges along: enum fields, then interval fields, then the boolean dimensions. */
const MERGE_FIELDS: ReadonlyArray<['e' | 'iv' | 'b', number]> = [
  ['e', 1], ['e', 2], ['e', 4], ['e', 0], ['e', 3], ['e', 6], ['e', 5], ['e', 7], ['e', 9], ['e', 8], ['e', 10], ['e', 11],
  ['iv', 1], ['iv', 3], ['iv', 0], ['iv', 4], ['iv', 2], ['b', 0],
];

/** Parts of a cube's identity compaction compares: 12 enum masks, 5 interval sets, bt/bf, flags + trip. */
const PARTS = 19;
const AT_B = 17;

/**
 * Numbers standing for the parts of cubes: equal numbers at a position exactly when the parts are equal
 * (enum masks by value, interval sets and trips by content, with the objects the cubes share looked up
 * by identity first). One per compaction.
 */
class PartIds {
  private readonly big = new Map<bigint, number>();
  private readonly byObject = new Map<object, number>();
  private readonly byText = new Map<string, number>();
  private readonly pairs = new Map<string, number>();
  private readonly trips = new Map<number, number>();
  private next = 0;

  private text(s: string): number {
    let id = this.byText.get(s);
    if (id === undefined) this.byText.set(s, (id = this.next++));
    return id;
  }
  private mask(m: bigint): number {
    let id = this.big.get(m);
    if (id === undefined) this.big.set(m, (id = this.next++));
    return id;
  }
  private iset(s: I.ISet<number> | I.ISet<bigint>): number {
    let id = this.byObject.get(s);
    if (id === undefined) this.byObject.set(s, (id = this.text(s.join(':'))));
    return id;
  }
  private bools(bt: bigint, bf: bigint): number {
    if (bt === 0n && bf === 0n) return -1;
    const k = `${bt.toString(36)}/${bf.toString(36)}`;
    let id = this.pairs.get(k);
    if (id === undefined) this.pairs.set(k, (id = this.next++));
    return id;
  }
  private trip(c: Cube): number {
    const t = c.trip;
    let tid = this.byObject.get(t);
    if (tid === undefined) {
      tid = this.text(`${t.added.toString(36)}|${t.notrack}|${t.pmark}|${t.cmark}|${t.rmark}|${t.by?.uid ?? ''}`);
      this.byObject.set(t, tid);
    }
    // flags are two 8-bit masks
    const k = tid * 65536 + c.fon * 256 + c.foff;
    let id = this.trips.get(k);
    if (id === undefined) this.trips.set(k, (id = this.next++));
    return id;
  }
  of(c: Cube): number[] {
    const v: number[] = new Array<number>(PARTS);
    for (let i = 0; i < 12; i++) v[i] = this.mask(c.e[i]);
    for (let i = 0; i < 5; i++) v[12 + i] = this.iset(c.iv[i]);
    v[AT_B] = this.bools(c.bt, c.bf);
    v[18] = this.trip(c);
    return v;
  }
  /** `v` with position `at` recomputed for `c` (which differs from v's cube only there). */
  with(v: number[], at: number, c: Cube): number[] {
    const w = v.slice();
    w[at] = at < 12 ? this.mask(c.e[at]) : at < AT_B ? this.iset(c.iv[at - 12]) : this.bools(c.bt, c.bf);
    return w;
  }
}

function hashExcept(v: number[], at: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < PARTS; i++) {
    if (i === at) continue;
    h = Math.imul(h ^ v[i], 0x01000193);
  }
  // a small integer (a Map key without a heap number)
  return h >>> 2;
}

function equalExcept(a: number[], b: number[], at: number): boolean {
  for (let i = 0; i < PARTS; i++) if (i !== at && a[i] !== b[i]) return false;
  return true;
}

/**
 * Merges cubes equal in every field but one (same trip too): their union is one cube. Keeps sets
 * small where subtraction fragmented them (a port list subtracted protocol by protocol, ...).
 * For each merge field in turn, every cube is merged into the first earlier cube (after that one's
 * merges) that equals it in every other part; cubes are compared by the numbers of their parts
 * (`PartIds`), hashed, so no key text is built per cube and field.
 */
function compact(cubes: Cube[]): Cube[] {
  let cur = cubes;
  if (cur.length < 8) return cur;
  const ids = new PartIds();
  let vs = cur.map((c) => ids.of(c));
  for (const [kind, f] of MERGE_FIELDS) {
    if (cur.length < 8) break;
    const at = kind === 'e' ? f : kind === 'iv' ? 12 + f : AT_B;
    // first cube of each key: hash -> index in `out`, collisions chained through `chain`
    const head = new Map<number, number>();
    const chain: number[] = [];
    const out: Cube[] = [];
    const outVs: number[][] = [];
    for (let i = 0; i < cur.length; i++) {
      const c = cur[i];
      const v = vs[i];
      const h = hashExcept(v, at);
      const first = head.get(h);
      let j = first === undefined ? -1 : first;
      while (j >= 0 && !equalExcept(outVs[j], v, at)) j = chain[j];
      if (j < 0) {
        chain[out.length] = first === undefined ? -1 : first;
        head.set(h, out.length);
        out.push(c);
        outVs.push(v);
        continue;
      }
      const o = out[j];
      let merged: Cube | undefined;
      if (kind === 'e') merged = o.withE(f, o.e[f] | c.e[f]);
      else if (kind === 'iv') merged = o.withI(f, I.union(o.iv[f] as I.ISet<number>, c.iv[f] as I.ISet<number>, (f === 3 || f === 4 ? 1n : 1) as number));
      else {
        // equal except the boolean constraints: merge only when they differ in one dimension's polarity
        const d = (o.bt ^ c.bt) | (o.bf ^ c.bf);
        if (d !== 0n && (d & (d - 1n)) === 0n && ((o.bt | o.bf) & d) && ((c.bt | c.bf) & d)) merged = o.withB(o.bt & ~d, o.bf & ~d);
      }
      if (!merged) {
        // not merged: kept, and (as a later duplicate of a key) never the first of its key
        chain[out.length] = -1;
        out.push(c);
        outVs.push(v);
        continue;
      }
      out[j] = merged;
      outVs[j] = ids.with(outVs[j], at, merged);
    }
    cur = out;
    vs = outVs;
  }
  return cur;
}

/** What rules of `tables` read of a packet's trip: list dims, connection state, marks. */
function readsOf(space: Space, tables: Array<Map<string, Rule[]>>, enabled: (r: Rule) => boolean): { lists: bigint; state: boolean; pmark: boolean; cmark: boolean; rmark: boolean } {
  const out = { lists: 0n, state: false, pmark: false, cmark: false, rmark: false };
  for (const chains of tables) {
    for (const rules of chains.values()) {
      for (const r of rules) {
        if (!enabled(r)) continue;
        const m = r.match;
        for (const [n, src] of [[m.srcAddressList, true], [m.dstAddressList, false]] as const) {
          if (n && typeof n.value === 'string') out.lists |= 1n << BigInt(space.listDim(n.value, src).index);
        }
        if (m.connectionState) out.state = true;
        if (m.other['packet-mark'] !== undefined) out.pmark = true;
        if (m.other['connection-mark'] !== undefined) out.cmark = true;
        if (m.other['routing-mark'] !== undefined) out.rmark = true;
      }
    }
  }
  return out;
}

/** Runs the analysis of one family (not cached: see `reachOf`). */
export function analyze(model: FirewallModel, family: Family, options: AnalyzeOptions = {}): FamilyReach {
  const space = options.space ?? spaceOf(model, family);
  if (space.model !== model || space.family !== family) throw new Error('analyze: the space belongs to another model or family');
  const enabled = (r: Rule) => (options.enable?.has(r) ?? false) || (!r.disabled && !(options.disable?.has(r) ?? false));
  const walk = new Walk(space, options.budget ?? 100_000, enabled, options.keepGoing);
  const tables = new Map<TableName, Map<string, Rule[]>>();
  for (const t of model.tables.values()) {
    if (t.family !== family || !WALKED.has(t.name)) continue;
    const chains = new Map<string, Rule[]>();
    for (const r of t.rules) {
      let l = chains.get(r.chain);
      if (!l) chains.set(r.chain, (l = []));
      l.push(r);
    }
    tables.set(t.name, chains);
  }
  const hooks = new Map<Hook, HookVerdicts>();
  for (const hook of HOOKS) {
    const entering = universe(space, hook);
    const before = { drop: walk.drops.drop.length, reject: walk.drops.reject.length, tarpit: walk.drops.tarpit.length };
    let cubes: Cube[] = entering;
    const flow = FLOW[hook].filter(([table, chain]) => {
      const chains = tables.get(table);
      // a built-in chain with no enabled rule is not walked: the previous table's decision stands
      return !!chains && (chains.get(chain) ?? []).some(enabled);
    });
    flow.forEach(([table, chain], i) => {
      const chains = tables.get(table)!;
      // what the rest of the trip reads of what the trip so far did: forget the rest (so cubes that
      // differ only in a mark nothing tests again merge back)
      const reads = readsOf(space, flow.slice(i).map(([t]) => tables.get(t)!), enabled);
      let start = cubes.map((c) => {
        const t = c.trip;
        const added = t.added & reads.lists;
        const notrack = t.notrack && reads.state;
        const pmark = reads.pmark ? t.pmark : -1;
        const cmark = reads.cmark ? t.cmark : -1;
        const rmark = reads.rmark ? t.rmark : -1;
        if (!t.by && added === t.added && notrack === t.notrack && pmark === t.pmark && cmark === t.cmark && rmark === t.rmark) return c;
        return c.withTrip(added === 0n && !notrack && pmark < 0 && cmark < 0 && rmark < 0 ? NO_TRIP : { added, notrack, pmark, cmark, rmark });
      });
      if (start.length > 8) start = compact(start);
      const r = walk.chain(chains, chain, start, 0);
      cubes = r.back.concat(r.accepted);
    });
    const ps = (cs: Cube[]) => new PacketSet(space, cs);
    hooks.set(hook, {
      hook,
      entering: ps(entering),
      accept: ps(cubes),
      implicitAccept: ps(cubes.filter((c) => !c.trip.by)),
      drop: ps(walk.drops.drop.slice(before.drop)),
      reject: ps(walk.drops.reject.slice(before.reject)),
      tarpit: ps(walk.drops.tarpit.slice(before.tarpit)),
    });
  }
  const ruleCache = new Map<Rule, RuleReach>();
  const empty = PacketSet.empty(space);
  return {
    family,
    space,
    complete: walk.complete,
    work: walk.work,
    rule(r) {
      if (r.family !== family || !tables.has(r.table)) return undefined;
      let rr = ruleCache.get(r);
      if (!rr) {
        const a = walk.arrivals.get(r);
        const t = walk.takes.get(r);
        rr = { rule: r, reach: a ? new PacketSet(space, a.flat()) : empty, taken: t ? new PacketSet(space, t.flat()) : empty };
        ruleCache.set(r, rr);
      }
      return rr;
    },
    hook: (h) => hooks.get(h)!,
    decided(r) {
      const d = walk.decided.get(r);
      return d ? new PacketSet(space, d.flat()) : empty;
    },
  };
}

const cache = new WeakMap<FirewallModel, Map<string, FamilyReach>>();

/** The analysis of a model's family, computed on first use and cached on the model. */
export function reachOf(model: FirewallModel, family: Family): FamilyReach {
  return cached(model, family, false);
}

/** The `keepGoing` analysis (see AnalyzeOptions), cached like `reachOf`. */
export function reachIgnoringDrops(model: FirewallModel, family: Family): FamilyReach {
  return cached(model, family, true);
}

function cached(model: FirewallModel, family: Family, keepGoing: boolean): FamilyReach {
  let m = cache.get(model);
  if (!m) cache.set(model, (m = new Map()));
  const key = `${family}${keepGoing ? ' keep' : ''}`;
  let r = m.get(key);
  if (!r) {
    // Giving up cheaply: the keepGoing walk carries every packet the plain walk carries and more (drops
    // and accepts remove nothing), so where the plain walk ran out of budget it would too, after spending
    // the whole budget again. Answer "incomplete" at once (a zero budget stops at the first rule).
    const giveUp = keepGoing && !cached(model, family, false).complete;
    m.set(key, (r = analyze(model, family, giveUp ? { keepGoing, budget: 0 } : { keepGoing })));
  }
  return r;
}
