// Thin adapters over the model's reasoning (server/src/model/reason.ts) used by several checks:
// "which earlier rule hides this one", "is A met before B", and copies of rules with some match
// conditions removed (to ask "could these match the same packet, address lists aside?").

import { blockedByJump, matchMayOverlap, mayOverlap, pathTo, rulesBefore, stepCatches } from '../../model/reason';
import type { FirewallModel, Match, Rule } from '../../model/types';
import { indexOf, isUnknown } from './rules';

/**
 * The enabled rule with one of `actions` that a packet meets before `rule` on every path to it and
 * that matches every packet of `rule` that matters (jump conditions included); never a rule whose
 * position is unknown. The model's `hiddenBy`, with what is known about those packets added.
 *
 * Both callers ask about the packet that opens a new connection: a knock packet (the SYN of a TCP
 * attempt, the first datagram of a UDP one) for knock-shadowed, and the first packet of the
 * connection a final accept admits for knock-no-access. So a hider limited to `connection-state=new`
 * (the defconf-style `drop connection-state=new in-interface-list=WAN`) hides them too, and for TCP
 * one limited to `tcp-flags=syn` (a bare SYN: syn without ack, fin or rst). A rule whose own
 * connection-state excludes `new`, or whose own tcp-flags say otherwise, gets no such assumption.
 */
export function hiderOf(rule: Rule, model: FirewallModel, actions: ReadonlySet<string>): Rule | undefined {
  if (!rule.positionKnown) return undefined;
  const paths = pathTo(rule, model);
  if (paths.length === 0) return undefined;
  const assume = firstPacket(rule);
  let first: Rule | undefined;
  for (const p of paths) {
    const hit = p.steps.find(
      (s) => s.rule.positionKnown && !s.rule.disabled && actions.has(s.rule.action) && stepCatches(s, p, rule, model, assume),
    );
    if (!hit) return undefined;
    first ??= hit.rule;
  }
  return first;
}

/** What the first packet of a new connection matching `rule` also matches (see hiderOf). */
function firstPacket(rule: Rule): Match[] {
  const out: Match[] = [];
  const cs = rule.match.connectionState;
  if (cs) {
    if (isUnknown(cs.value) || cs.negated || !cs.value.includes('new')) return out;
  }
  out.push({ connectionState: { negated: false, value: ['new'] }, other: {} });
  const proto = rule.match.protocol;
  if (proto && !proto.negated && !isUnknown(proto.value) && (proto.value === 'tcp' || proto.value === '6') && !rule.match.tcpFlags) {
    out.push({ tcpFlags: { negated: false, value: ['syn', '!ack', '!fin', '!rst'] }, other: {} });
  }
  return out;
}

/** A copy of `rule` without the given match conditions, enabled. */
export function without(rule: Rule, keys: ReadonlyArray<keyof Match>): Rule {
  const match: Match = { ...rule.match, other: { ...rule.match.other } };
  for (const k of keys) delete match[k];
  return { ...rule, match, disabled: false };
}

export const LIST_KEYS: ReadonlyArray<keyof Match> = ['srcAddressList', 'dstAddressList'];

/** Could the two rules match a common packet when their address-list conditions are ignored? */
export function mayOverlapIgnoringLists(a: Rule, b: Rule, model: FirewallModel): boolean {
  return mayOverlap(without(a, LIST_KEYS), without(b, LIST_KEYS), model);
}

const PRE_FILTER_TABLES = new Set(['raw', 'mangle']);
const PRE_FILTER_CHAINS = new Set(['prerouting']);

/**
 * True when a packet meets `a` before `b` (as if `a` were enabled), false when after, undefined when
 * the order cannot be told (different custom chains of a disabled rule, unknown positions).
 */
export function metBefore(a: Rule, b: Rule, model: FirewallModel): boolean | undefined {
  if (!a.positionKnown || !b.positionKnown) return undefined;
  if (a.family !== b.family) return undefined;
  if (a.table === b.table) {
    if (a.chain === b.chain) return indexOf(a, model) < indexOf(b, model);
    if (!a.disabled) return rulesBefore(b, model).includes(a);
    // A disabled rule is not on any path; judge by the chain structure instead: `a` sits in a chain
    // that jumps into b's chain, above every such jump.
    const table = model.tables.get(`${a.family} ${a.table}`);
    if (!table) return undefined;
    const jumps = table.rules.filter((r) => r.chain === a.chain && r.action === 'jump' && r.jumpTarget === b.chain);
    if (jumps.length === 0) return undefined;
    const ia = table.rules.indexOf(a);
    return jumps.every((j) => table.rules.indexOf(j) > ia);
  }
  if (PRE_FILTER_TABLES.has(a.table) && PRE_FILTER_CHAINS.has(a.chain) && b.table === 'filter') return true;
  if (a.table === 'filter' && PRE_FILTER_TABLES.has(b.table) && PRE_FILTER_CHAINS.has(b.chain)) return false;
  return undefined;
}

/** Property names of the structured match fields (for messages that quote a rule's conditions). */
const MATCH_PROPS: Partial<Record<keyof Match, string>> = {
  protocol: 'protocol',
  srcPort: 'src-port',
  dstPort: 'dst-port',
  anyPort: 'port',
  srcAddress: 'src-address',
  dstAddress: 'dst-address',
  srcAddressList: 'src-address-list',
  dstAddressList: 'dst-address-list',
  inInterface: 'in-interface',
  outInterface: 'out-interface',
  inInterfaceList: 'in-interface-list',
  outInterfaceList: 'out-interface-list',
  connectionState: 'connection-state',
  connectionNatState: 'connection-nat-state',
  tcpFlags: 'tcp-flags',
  packetSize: 'packet-size',
  layer7Protocol: 'layer7-protocol',
  srcMacAddress: 'src-mac-address',
  icmpOptions: 'icmp-options',
};

export interface JumpBlock {
  /** The jump no packet of the rule can take (the first such on the first path). */
  jump: Rule;
  /** The jump's conditions that exclude the rule's packets, as written (`protocol=tcp`). */
  conditions: string[];
}

/**
 * The jump that keeps every packet of `rule` out of the rule's chain on every path to it
 * (`jump protocol=tcp` in front of UDP knock stages, `jump dst-port=...,475` in front of
 * `accept dst-port=457`), with the conditions that exclude them. Delegates to the model's
 * `blockedByJump`; a jump whose position is uncertain still counts (order does not matter here).
 */
export function jumpBlocking(rule: Rule, model: FirewallModel): JumpBlock | undefined {
  const jump = blockedByJump(rule, model);
  if (!jump || jump.disabled) return undefined;
  const conditions: string[] = [];
  for (const [key, prop] of Object.entries(MATCH_PROPS) as Array<[keyof Match, string]>) {
    const v = jump.match[key];
    if (v === undefined) continue;
    const only = { [key]: v, other: {} } as Match;
    if (!matchMayOverlap(only, rule.match, model)) {
      const raw = jump.props[prop];
      conditions.push(raw !== undefined ? `${prop}=${raw}` : prop);
    }
  }
  return { jump, conditions };
}

/** "the jump "comment" (line 4)" / "the jump to chain pk (line 4)". */
export function describeJump(jump: Rule): string {
  const line = jump.source.range.start.line + 1;
  return jump.comment ? `the jump "${jump.comment}" (line ${line})` : `the jump to chain ${jump.jumpTarget ?? '?'} (line ${line})`;
}

const ENTRY_CHAINS = new Set(['input', 'forward', 'output']);

/** A copy of `m` without its address-list conditions. */
function stripLists(m: Match): Match {
  const out: Match = { ...m, other: { ...m.other } };
  delete out.srcAddressList;
  delete out.dstAddressList;
  return out;
}

function unknownPort(m: Match): boolean {
  return [m.dstPort, m.anyPort].some((n) => n !== undefined && isUnknown(n.value));
}

function hasPort(m: Match): boolean {
  return m.dstPort !== undefined || m.anyPort !== undefined;
}

export interface MeetOptions {
  /**
   * A jump on `a`'s path limited to a port computed at run time (`jump dst-port=[/ip service get ssh
   * port]`) leads into one service's chain: it does not count as meeting `b` when `b`'s side is
   * limited to a port too (a knock port is not that service's port).
   */
  opaqueJumpPorts?: boolean;
  /**
   * Compare `a` with any packet from where `b`'s packets come from: only `b`'s source-side conditions
   * (in-interface, in-interface-list, src-address, src-mac-address, its own and its jumps') count,
   * and the built-in chain does not matter (the same source can send to the router or through it).
   */
  sourceOnly?: boolean;
}

const SOURCE_KEYS: ReadonlyArray<keyof Match> = ['inInterface', 'inInterfaceList', 'srcAddress', 'srcMacAddress'];

function sourceSide(m: Match): Match {
  const out: Match = { other: {} };
  for (const k of SOURCE_KEYS) if (m[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = m[k];
  return out;
}

/**
 * Could one packet meet both rules, address lists aside? Unlike `mayOverlapIgnoringLists`, the
 * conditions of the jumps on the way to each rule count (a brute-force chain reached by `jump
 * dst-port=22` never sees a knock on 7391), and rules reached from different built-in chains of the
 * same table (input vs forward) never meet. Rules whose chain no path reaches are judged by their own
 * conditions. Each pair of conditions is compared on its own: a sufficient test for "never".
 */
export function mayMeetIgnoringLists(a: Rule, b: Rule, model: FirewallModel, options: MeetOptions = {}): boolean {
  if (a.family !== b.family) return false;
  const pa = pathTo(a, model);
  const pb = pathTo(b, model);
  const sides = (r: Rule, ps: ReturnType<typeof pathTo>) =>
    ps.length > 0
      ? ps.map((p) => ({ entry: p.entry as string | undefined, jumps: p.jumps, ms: [r.match, ...p.jumps.map((j) => j.match)].map(stripLists) }))
      : [{ entry: ENTRY_CHAINS.has(r.chain) ? r.chain : undefined, jumps: [] as Rule[], ms: [stripLists(r.match)] }];
  const bs = sides(b, pb).map((y) => (options.sourceOnly ? { ...y, entry: undefined, ms: y.ms.map(sourceSide) } : y));
  for (const x of sides(a, pa)) {
    for (const y of bs) {
      if (a.table === b.table && x.entry && y.entry && ENTRY_CHAINS.has(x.entry) && ENTRY_CHAINS.has(y.entry) && x.entry !== y.entry) {
        continue;
      }
      if (options.opaqueJumpPorts && x.jumps.some((j) => unknownPort(j.match)) && y.ms.some(hasPort)) continue;
      if (x.ms.every((m) => y.ms.every((n) => matchMayOverlap(m, n, model)))) return true;
    }
  }
  return false;
}
