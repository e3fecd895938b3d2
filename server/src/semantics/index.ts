// The one semantics of RouterOS packet handling: the ONLY code that decides whether a packet, or a
// set of packets, matches a rule, and where packets go. The simulator (server/src/simulate) evaluates
// single packets through it; the static reasoning (server/src/model/reason.ts) and the checks
// evaluate sets through it. See ARCHITECTURE.md ("Semantics").
//
// API (stable; later additions only):
//
//   reachOf(model, family) -> FamilyReach        computed on first use, cached on the model (WeakMap)
//     .complete                                   false: the work budget ran out, prove nothing
//     .rule(rule) -> { reach, taken }             packets arriving at the rule's position (all hooks,
//                                                 every jump leading there; disabled rules too) and the
//                                                 part its conditions match (what it acts on when enabled)
//     .hook('input'|'forward'|'output') -> { entering, accept, drop, reject, tarpit, implicitAccept }
//     .decided(rule) -> PacketSet                 what a terminal rule decided (accept, drop, ...)
//   ruleReach(model, rule) -> RuleReach | undefined   shorthand for reachOf(model, rule.family).rule(rule)
//   analyze(model, family, { enable, disable })   the same analysis uncached, e.g. "as if enabled"
//   reachIgnoringDrops(model, family)            cached analysis where drops do not remove packets
//                                                 ("would this rule ALONE take them?")
//
//   PacketSet (sets.ts): isEmpty, union, intersect, subtract, subsetOf, intersects, onHook(hook),
//     certain() (packets there whatever the unknown conditions say), uncertain() (there only for some
//     values of unknowns: report as "may"), has(cell), cubes. Sets are in the coordinates of the
//     packet ENTERING the hook (list membership before the trip, conntrack state before raw); a
//     cube's `trip` says what the trip did so far (lists added, notrack, marks, accepting rule).
//   setOf(model, family, match, hooks?) -> PacketSet  entering packets of `hooks` (default all) that
//     match `match` as written (no trip): "new TCP connections from the WAN" = setOf(model, 'ip',
//     { connectionState: new, inInterfaceList: WAN, protocol: tcp, other: {} }, ['input'])
//   describeSet(set) -> string                   a short text of a set's ports/protocols, for messages
//
//   spaceOf(model, family) -> Space              the header space (fields, domains, atoms, dims)
//   universe(space, hook) -> Cube[]              the packets entering a hook
//   matchOf(space, match, rule?) -> CompiledMatch  { lits, test(point), split(cubes) -> {yes, no} }
//   compileMatch(space, match, rule, options)    the same with the simulator's options (assume, ...)
//   cellOf(space, point, initial) -> Cell        a concrete packet as a point of the space
//   FLOW, actionOf, MAX_JUMP_DEPTH (pipeline.ts)  the hook order and what each action does
//
//   jointSpaces(before, after, family) -> [Space, Space]   two views of ONE space for two models (same
//                                                 coordinates; each side's interface lists and
//                                                 address-list entries): analyze(m, f, { space }) in
//                                                 each view gives sets that compare exactly
//   diffFirewalls(before, after, opts) -> FirewallDiff   (diff.ts) per family and hook the pieces of
//     traffic whose verdict changes: { hook, before: {verdict, rule?}, after, set, may, mayBecause,
//     witness: a packet replayed by the simulator on both sides }; `complete=false`: proves nothing
//
// Unknown is a value: conditions whose value the script cannot know are boolean dimensions of the
// space (kind `unknown`: per rule; `opaque`: a packet property not modelled, shared by equal text).
// A set that constrains an `unknown` dimension holds packets that MAY be there.

import type { Family, FirewallModel, Match, Rule } from '../model/types';
import * as I from './iset';
import { matchOf } from './match';
import { analyze, reachIgnoringDrops, reachOf, type RuleReach } from './reach';
import { type Cell, type Cube, PacketSet, universe } from './sets';
import { E_COUNT, E_HOOK, E_IN, E_OUT, E_PROTO, E_STATE, E_NAT, E_DTYPE, E_STYPE, E_PMARK, E_CMARK, E_RMARK, E_MAC, FLAGS, HOOKS, type Hook, I_DADDR, I_DPORT, I_SADDR, I_SIZE, I_SPORT, NAT_VALUES, ADDR_TYPES, type Point, STATES, type Space, spaceOf } from './space';

export { analyze, reachIgnoringDrops, reachOf };
export type { AnalyzeOptions, FamilyReach, HookVerdicts, RuleReach, Verdict } from './reach';
export { PacketSet, Cube, universe, anyCube, NO_TRIP } from './sets';
export type { Cell, Trip } from './sets';
export { compileMatch, matchOf } from './match';
export type { CompiledMatch, CompileOptions, Lit } from './match';
export { FLOW, MAX_JUMP_DEPTH, actionOf, addTakesEffect } from './pipeline';
export type { Action, ActionKind } from './pipeline';
export { Space, spaceOf, jointSpaces, HOOKS, STATES, FLAGS, PORT_PROTOCOLS } from './space';
export { diffFirewalls, diffFamily, addressText } from './diff';
export type { DiffOptions, DiffPiece, FamilyDiff, FirewallDiff, Outcome, Witness, WitnessSide } from './diff';
export type { Hook, Point, MatchEnv, Dim, Atom } from './space';

/** The reach of one rule (undefined for nat rules and tables the analysis does not walk). */
export function ruleReach(model: FirewallModel, rule: Rule): RuleReach | undefined {
  return reachOf(model, rule.family).rule(rule);
}

/** Entering packets of `hooks` (default: all three) that match `match` as written. */
export function setOf(model: FirewallModel, family: Family, match: Match, hooks: readonly Hook[] = HOOKS): PacketSet {
  const space = spaceOf(model, family);
  const cm = matchOf(space, match);
  const cubes: Cube[] = [];
  for (const h of hooks) cubes.push(...cm.split(universe(space, h)).yes);
  return new PacketSet(space, cubes);
}

/**
 * A concrete packet (the simulator's context, taken BEFORE its trip) as a cell of the space.
 * `inList` gives the packet's address-list membership at that moment; `unknown` the value of an
 * unknown or unmodelled dimension (default false, the simulator's default `assume`).
 */
export function cellOf(
  space: Space,
  p: Point,
  initial: { inList?: (list: string, src: boolean) => boolean; unknown?: (key: string) => boolean } = {},
): Cell {
  const e = new Array<number>(E_COUNT);
  e[E_HOOK] = HOOKS.indexOf(p.hook);
  e[E_PROTO] = space.protoIndex(p.proto) ?? space.protoOther;
  e[E_IN] = space.atomOf(p.inIface, p.inLists);
  e[E_OUT] = space.atomOf(p.outIface, p.outLists);
  e[E_STATE] = (STATES as readonly string[]).indexOf(p.state);
  const s = p.natState.includes('srcnat');
  const d = p.natState.includes('dstnat');
  e[E_NAT] = NAT_VALUES.indexOf(s && d ? 'both' : s ? 'srcnat' : d ? 'dstnat' : 'none');
  e[E_DTYPE] = (ADDR_TYPES as readonly string[]).indexOf(p.dstType);
  e[E_STYPE] = (ADDR_TYPES as readonly string[]).indexOf(p.srcType);
  e[E_PMARK] = space.markIndex('packet', p.marks.packet ?? 'no-mark');
  e[E_CMARK] = space.markIndex('connection', p.marks.connection ?? 'no-mark');
  e[E_RMARK] = space.markIndex('routing', p.marks.routing ?? 'no-mark');
  e[E_MAC] = space.macIndex(p.srcMac);
  const iv: Array<number | bigint> = [];
  iv[I_SPORT] = p.srcPort;
  iv[I_DPORT] = p.dstPort;
  iv[I_SIZE] = p.size;
  iv[I_SADDR] = p.srcVal ?? -1n;
  iv[I_DADDR] = p.dstVal ?? -1n;
  let flags = 0;
  FLAGS.forEach((f, i) => {
    if (p.flags.has(f)) flags |= 1 << i;
  });
  return {
    e,
    iv,
    flags,
    dim(i) {
      const dim = space.dims[i];
      if (dim.kind === 'list') {
        return initial.inList ? initial.inList(dim.list!, dim.src!) : p.env.inList(dim.list!, dim.src ? p.srcKey : p.dstKey, dim.src ? p.srcVal : p.dstVal, p.time);
      }
      if (dim.test) return dim.test(p);
      return initial.unknown?.(dim.key) ?? false;
    },
  };
}

/** `tcp dst-port 22,8291; udp; icmp` style text of a set (protocols and destination ports). */
export function describeSet(set: PacketSet): string {
  const byProto = new Map<string, Array<I.ISet<number>>>();
  for (const c of set.cubes) {
    set.space.protocols.concat(['other']).forEach((p, i) => {
      if ((c.e[E_PROTO] >> BigInt(i)) & 1n) {
        let l = byProto.get(p);
        if (!l) byProto.set(p, (l = []));
        l.push(c.iv[I_DPORT] as I.ISet<number>);
      }
    });
  }
  const parts: string[] = [];
  for (const [p, sets] of byProto) {
    let u: I.ISet<number> = [];
    for (const s of sets) u = I.union(u, s, 1);
    u = I.subtract(u, [-1, -1], 1);
    const all = I.equal(u, [0, 65535]);
    parts.push(u.length === 0 || all ? p : `${p} dst-port ${I.text(u)}`);
  }
  return parts.join('; ');
}

export { I_DADDR, I_SADDR };
