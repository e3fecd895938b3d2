// The reasoning layer over the firewall model: does rule A match every packet rule B matches
// (`covers`)? could they match a common packet (`mayOverlap`)? which rules does a packet meet before
// reaching a rule (`pathTo`, `rulesBefore`), following jumps into custom chains and `return`?
//
// Every answer about packets comes from the one semantics (server/src/semantics): a Match is compiled
// there into a set of packets (cubes over the header space), and covers / overlap are set inclusion
// and intersection, so this layer and the simulator cannot disagree about what a condition means.
// `stepCatches` reads the semantics' reach analysis for the packet's state at the step (lists added
// earlier in the same trip, raw `notrack`, marks).
//
// Soundness direction: `covers` answers true only when it can prove it; conditions the semantics
// cannot decide (values computed at run time, stateful matchers) are dimensions of their own rule,
// so a proof never rests on them. `mayOverlap` answers false only when the sets are disjoint.
//
// Interface lists (semantics/space.ts): interfaces the script names belong to exactly the lists it
// puts them in; every list may also hold interfaces the script never names (the router's), each in
// one list only. So two lists with no common known member are disjoint (`in-interface-list=!LAN`
// covers `in-interface-list=WAN`), and `in-interface=ether1` does not cover `in-interface-list=WAN`
// even when ether1 is WAN's only known member. `all` holds every interface; `dynamic`/`static` are
// unknown for every interface.

import { matchOf } from '../semantics/match';
import { reachIgnoringDrops } from '../semantics/reach';
import { type Cube, meet, minus, stateBits, typeBits, universe } from '../semantics/sets';
import { E_CMARK, E_DTYPE, E_PMARK, E_RMARK, E_STATE, HOOKS, type Hook, spaceOf, type Space } from '../semantics/space';
import type { Family, FirewallModel, Match, Rule, TableName } from './types';

// ---------------------------------------------------------------------------------------------
// Matches as sets

const ruleOfMatch = new WeakMap<FirewallModel, WeakMap<Match, Rule>>();

/** The rule a Match belongs to (for its family), when it is one of the model's. */
function ownerOf(model: FirewallModel, m: Match): Rule | undefined {
  let w = ruleOfMatch.get(model);
  if (!w) {
    w = new WeakMap();
    for (const t of model.tables.values()) for (const r of t.rules) w.set(r.match, r);
    ruleOfMatch.set(model, w);
  }
  return w.get(m);
}

function familyOf(model: FirewallModel, ms: Match[]): Family {
  for (const m of ms) {
    const r = ownerOf(model, m);
    if (r) return r.family;
  }
  return 'ip';
}

const matchUniverses = new WeakMap<Space, Cube[]>();

/**
 * Packets a match can meet anywhere: every hook's entering packets, in any connection state
 * (untracked too) and with any mark (a mangle rule may have set it).
 */
function anyPacket(space: Space): Cube[] {
  let u = matchUniverses.get(space);
  if (!u) {
    u = [];
    for (const h of HOOKS) {
      for (const c of universe(space, h)) {
        u.push(c.withE(E_STATE, stateBits('new', 'established', 'related', 'invalid', 'untracked')).withE(E_PMARK, space.markFull('packet')).withE(E_RMARK, space.markFull('routing')).withE(E_CMARK, space.markFull('connection')));
      }
    }
    matchUniverses.set(space, u);
  }
  return u;
}

/** The packets matching every one of `ms` (in `from`, default: anywhere). */
function setOfAll(space: Space, model: FirewallModel, ms: Match[], from?: Cube[]): Cube[] {
  let cur = from ?? anyPacket(space);
  for (const m of ms) {
    cur = matchOf(space, m, ownerOf(model, m)).split(cur).yes;
    if (cur.length === 0) break;
  }
  return cur;
}

function subsetCubes(a: Cube[], b: Cube[]): boolean {
  let cur = a;
  for (const y of b) {
    const next: Cube[] = [];
    for (const x of cur) next.push(...minus(x, y));
    cur = next;
    if (cur.length === 0) return true;
  }
  return cur.length === 0;
}

/**
 * Does every packet that matches ALL of `bs` also match `a`? False when no packet matches all of `bs`
 * (nothing to claim about).
 */
export function matchCovers(a: Match, bs: Match[], model: FirewallModel): boolean {
  const space = spaceOf(model, familyOf(model, [...bs, a]));
  const b = setOfAll(space, model, bs);
  if (b.length === 0) return false;
  return subsetCubes(b, setOfAll(space, model, [a], b));
}

/** Does rule `a` match every packet rule `b` matches? (chains and actions are not compared) */
export function covers(a: Rule, b: Rule, model: FirewallModel): boolean {
  if (a.family !== b.family) return false;
  if ((a.dynamicProps ?? []).some((p) => p === 'chain')) return false;
  return matchCovers(a.match, [b.match], model);
}

/** Could one packet match both `a` and `b`? True unless provably disjoint. */
export function matchMayOverlap(a: Match, b: Match, model: FirewallModel): boolean {
  const space = spaceOf(model, familyOf(model, [a, b]));
  return setOfAll(space, model, [a, b]).length > 0;
}

/** Could one packet match both rules? Unknown values count as "yes". */
export function mayOverlap(a: Rule, b: Rule, model: FirewallModel): boolean {
  if (a.family !== b.family) return false;
  return matchMayOverlap(a.match, b.match, model);
}

/** Interface lists no interface belongs to both of (see the header). */
export function listsDisjoint(model: FirewallModel, l: string, m: string): boolean {
  if (l === m) return false;
  if (l === 'none' || m === 'none') return true;
  const space = spaceOf(model, 'ip');
  if (space.isFreeList(l) || space.isFreeList(m)) return false;
  return (space.listMask(l) & space.listMask(m)) === 0n;
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

/** The hooks whose packets enter a built-in chain of a table. */
const ENTRY_HOOKS: Record<TableName, Record<string, Hook[]>> = {
  filter: { input: ['input'], forward: ['forward'], output: ['output'] },
  mangle: { prerouting: ['input', 'forward'], input: ['input'], forward: ['forward'], output: ['output'], postrouting: ['forward', 'output'] },
  raw: { prerouting: ['input', 'forward'], output: ['output'] },
  nat: { dstnat: ['input', 'forward'], srcnat: ['forward', 'output'], output: ['output'] },
};

function opensConnection(assume: Match[]): boolean {
  return assume.some((m) => {
    const cs = m.connectionState;
    return !!cs && !cs.negated && Array.isArray(cs.value) && cs.value.includes('new');
  });
}

/**
 * Does terminal step `step` of `path` catch every packet that reaches `target` along that path? The
 * target's packets are those entering the path's hook that match the target, every jump of
 * `path.jumps` and `assume`; the step catches them when each one that arrives at the step (through
 * the jumps it sits behind) matches it there, with its state at that point (lists added earlier in
 * the trip, raw `notrack`, marks) and no drop above taking any of them first (so a step never hides a
 * rule merely because other rules took the rest: that is "together", not this rule alone). Asked
 * about packets that open a connection to the router (`assume` holds connection-state=new, entry
 * input), the packets are unicast to one of the router's own addresses (dst-address-type=local).
 */
export function stepCatches(step: PathStep, path: RulePath, target: Rule, model: FirewallModel, assume: Match[] = []): boolean {
  if (!step.terminal) return false;
  const space = spaceOf(model, path.family);
  const hooks = ENTRY_HOOKS[path.table]?.[path.entry] ?? HOOKS;
  const local = opensConnection(assume) && path.entry === 'input';
  const entering: Cube[] = [];
  for (const h of hooks) {
    for (const c of universe(space, h)) entering.push(local && h === 'input' ? c.withE(E_DTYPE, c.e[E_DTYPE] & typeBits('local')) : c);
  }
  const context = setOfAll(space, model, [target.match, ...path.jumps.map((j) => j.match), ...assume], entering.filter((c) => !c.isEmpty()));
  if (context.length === 0) return false;
  if (step.rule.table === 'nat') {
    // the nat table is not walked by the reach analysis: conditions only
    const shared = new Set(path.jumps);
    const ms = [target.match, ...path.jumps.map((j) => j.match), ...assume];
    for (const j of step.via) if (!shared.has(j) && !matchCovers(j.match, ms, model)) return false;
    return matchCovers(step.rule.match, ms, model);
  }
  const fr = reachIgnoringDrops(model, path.family);
  const rr = fr.rule(step.rule);
  if (!fr.complete || !rr) return false;
  const arrived: Cube[] = [];
  for (const a of rr.reach.cubes) {
    for (const c of context) {
      const m = meet(a, c);
      if (m) arrived.push(m);
    }
  }
  const caught = matchOf(space, step.rule.match, step.rule).split(arrived).yes;
  return subsetCubes(context, caught);
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
    if (cs.negated || !Array.isArray(cs.value) || !cs.value.includes('new')) return [];
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
