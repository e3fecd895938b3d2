// The simulator's per-port rule index: which rules of a chain a packet of a given protocol and
// destination port can match at all. It reads each compiled rule's `need` (semantics/match.ts: what the
// rule's own literals require of a packet) and only leaves out rules whose `test` would be false without
// touching any state (a rule's stateful counters come after its other literals); it never decides a
// match: the engine still tests every rule it returns, in chain order. So a trace is the same with or
// without it (test/simulate/rule-index.test.ts), and a chain of thousands of one-port rules (a knock of
// 1,000 stages, a generated table) costs a few rule tests per packet instead of a walk over the chain.
//
// Per protocol (built on first use): the rules that need another protocol are gone; the rest are
// `wide` (no destination-port need, or one spread over too many segments to be worth listing) or
// narrow, listed in the segments of the port line their ports cover (segments: the intervals between
// the narrow rules' range boundaries). A packet's candidates are the wide rules and its segment's
// narrow ones, both in ascending chain positions; the engine merges the two.

import type { Rule } from '../model/types';
import type { CompiledRule } from './compile';

/** Chains shorter than this are walked rule by rule (the index would cost more than it saves). */
export const INDEX_MIN_RULES = 16;
/** A rule whose ports cover more segments than this is tested for every port (bounds the index at 64 entries a rule). */
const MAX_SEGMENTS = 64;

const NONE = new Int32Array(0);

export class PortIndex {
  constructor(
    /** Positions of the rules tested whatever the port (ascending). */
    readonly wide: Int32Array,
    /** Segment starts (ascending, the first 0): segment k is [starts[k], starts[k + 1] - 1]. */
    private readonly starts: Int32Array,
    /** Per segment, the positions of the narrow rules whose ports cover it (ascending). */
    private readonly hits: Int32Array[],
  ) {}

  /** Narrow rules a packet to `port` can match (none for a port-less packet: their need is a port). */
  at(port: number): Int32Array {
    if (port < 0 || this.hits.length === 0) return NONE;
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid] <= port) lo = mid;
      else hi = mid - 1;
    }
    return this.hits[lo];
  }
}

/** Indexes already built, by the chain's first rule: the knock checks build many simulators of one model. */
const shared = new WeakMap<Rule, RuleIndex[]>();

export class RuleIndex {
  private readonly byProto = new Map<string, PortIndex>();

  private constructor(
    private readonly rules: readonly CompiledRule[],
    /** The rules in chain order (an index depends only on them: their `need` is their match's). */
    private readonly order: readonly Rule[],
  ) {}

  /** The index of a chain of compiled rules (shared with earlier chains of the same rules in the same order). */
  static of(rules: readonly CompiledRule[]): RuleIndex {
    const first = rules[0].rule;
    let list = shared.get(first);
    if (!list) shared.set(first, (list = []));
    for (const ix of list) {
      if (ix.order.length !== rules.length) continue;
      let same = true;
      for (let i = 0; i < rules.length && same; i++) same = ix.order[i] === rules[i].rule;
      if (same) return ix;
    }
    const ix = new RuleIndex(rules, rules.map((c) => c.rule));
    if (list.length >= 4) list.shift();
    list.push(ix);
    return ix;
  }

  /** The index for packets of protocol `proto` (normalized, as in the packet context). */
  of(proto: string): PortIndex {
    let pi = this.byProto.get(proto);
    if (pi === undefined) this.byProto.set(proto, (pi = this.build(proto)));
    return pi;
  }

  private build(proto: string): PortIndex {
    const cands: number[] = [];
    const bounds = new Set<number>([0]);
    for (let i = 0; i < this.rules.length; i++) {
      const need = this.rules[i].need;
      if (need.proto !== undefined && need.proto !== proto) continue;
      cands.push(i);
      if (need.dstPorts !== undefined) {
        for (const [a, b] of need.dstPorts) {
          bounds.add(Math.max(0, a));
          bounds.add(Math.max(0, b + 1));
        }
      }
    }
    const starts = Int32Array.from([...bounds].sort((x, y) => x - y));
    const seg = (port: number) => {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= port) lo = mid;
        else hi = mid - 1;
      }
      return lo;
    };
    const wide: number[] = [];
    const hits: Array<number[] | undefined> = new Array(starts.length);
    let narrow = 0;
    for (const i of cands) {
      const ports = this.rules[i].need.dstPorts;
      if (ports === undefined) {
        wide.push(i);
        continue;
      }
      const segs: number[] = [];
      for (const [a, b] of ports) {
        if (b < a || b < 0) continue;
        for (let k = seg(Math.max(0, a)), last = seg(b); k <= last && segs.length <= MAX_SEGMENTS; k++) segs.push(k);
      }
      if (segs.length > MAX_SEGMENTS) {
        wide.push(i);
        continue;
      }
      narrow++;
      // port sets are sorted and disjoint (values.ts), but a segment listed twice would test the rule twice
      let prev = -1;
      for (const k of segs.sort((x, y) => x - y)) {
        if (k === prev) continue;
        prev = k;
        (hits[k] ??= []).push(i);
      }
    }
    return new PortIndex(
      Int32Array.from(wide),
      starts,
      narrow === 0 ? [] : Array.from(hits, (h) => (h === undefined ? NONE : Int32Array.from(h))),
    );
  }
}
