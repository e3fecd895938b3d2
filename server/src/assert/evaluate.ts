// Proving an assertion over ONE firewall model (the semantics' sets, not samples), or finding a
// counterexample packet the simulator replays with its trace and the rule that decides it.
//
// never-accepted: S ∩ accept(hook) is empty for every hook S names. all-accepted: S \ accept is empty.
// A failing packet counts only when it is certain (no unknown condition: `PacketSet.certain()`), the
// connection is not NATed (the nat table is not walked, so a dst-nated packet's addresses are not
// known) and no rule on its path may differ on the router (`:if`, unknown positions). Otherwise the
// answer is "unknown" (cannot prove), with the packet that MAY break it. "holds" also needs a complete
// analysis (work budget) and a table the script fully shows.
//
// knock-grants: every knock sequence of the family is sent by the simulator, the whole time `within`
// spent in any one gap (the slowest client that still finishes within it), then a new connection to
// each granted port. Holds when one sequence grants every port in every run.

import type { Family, FirewallModel, KnockSequence, Match, Rule } from '../model/types';
import type { Script } from '../parser/ast';
import { tableChains } from '../model/chains';
import { cellOf, type Cube, describeSet, type Hook, PacketSet, reachOf, setOf, spaceOf as spaceOfModel } from '../semantics';
import { E_NAT, E_PROTO, E_STATE, HOOKS, type Space } from '../semantics/space';
import { matchOf } from '../semantics/match';
import { Simulator } from '../simulate/engine';
import { describeRule, planKnock, runKnock, simulatable, type KnockPlan, type KnockRun } from '../simulate/knock';
import type { PacketTrace, SimPacket } from '../simulate/types';
import { assumeOf, concretize } from './concrete';
import { type AssertionConfig, compileAssertion, compileGrant } from './spec';

export type Status = 'holds' | 'fails' | 'unknown';

export interface Counterexample {
  packet: SimPacket;
  /** Address lists holding the packet's source/destination when it arrives. */
  lists: Array<{ list: string; address: string }>;
  /** Conditions the script cannot know, as this packet's path takes them (`limit=...: true`). */
  assumed: string[];
  trace: PacketTrace;
  /** The rule that decides it; undefined: the end of the chain (implicit accept). */
  rule?: Rule;
  /** True when it breaks the assertion whatever the unknowns are; false: it MAY. */
  certain: boolean;
}

export interface KnockOutcome {
  sequence: KnockSequence;
  /** One run per (port, timing); the first failing one or the quickest passing one first. */
  runs: Array<{ port: number; gaps: number[]; run: KnockRun }>;
  granted: boolean;
}

export interface AssertionResult {
  assertion: AssertionConfig;
  family: Family;
  status: Status;
  /** One sentence for the user. */
  message: string;
  /** Why the answer is not a proof (status unknown), or notes on a holding one. */
  reasons: string[];
  counterexample?: Counterexample;
  /** The rule a diagnostic goes on (the deciding rule of the counterexample, the knock's breaking rule). */
  at?: Rule;
  /** Other rules that decide failing packets (related information). */
  others: Rule[];
  /** A short text of the failing packets (protocols and ports). */
  failing?: string;
  knock?: KnockOutcome;
}

export interface AssertInput {
  script: Script;
  model: FirewallModel;
  knocks: readonly KnockSequence[];
}

const WALKED = new Set(['raw', 'mangle', 'filter']);

const NOT_LOOPBACK4: Match = { srcAddress: { negated: true, value: '127.0.0.0/8' }, dstAddress: { negated: true, value: '127.0.0.0/8' }, other: {} };
const NOT_LOOPBACK6: Match = { srcAddress: { negated: true, value: '::1/128' }, dstAddress: { negated: true, value: '::1/128' }, other: {} };

function walkedRules(model: FirewallModel, family: Family): Rule[] {
  const out: Rule[] = [];
  for (const t of model.tables.values()) if (t.family === family && WALKED.has(t.name)) out.push(...t.rules);
  return out;
}

function line(r: Rule): number {
  return r.source.range.start.line + 1;
}

function mayDiffer(r: Rule): boolean {
  return !r.positionKnown || (r.source.uncertain?.length ?? 0) > 0;
}

/**
 * What keeps the model from being the router's firewall. `all`: every doubt (nothing holds for sure);
 * `path`: the doubts that can change the verdict of a packet whose trace meets no doubtful rule (rules
 * the file does not show, positions or properties that may differ); a rule that may not be created
 * changes nothing for a packet that does not meet it.
 */
function structuralDoubts(input: AssertInput, family: Family): { all: string[]; path: string[] } {
  const path: string[] = [];
  const chains = tableChains(input.model, input.script);
  for (const [key, tc] of chains) {
    if (tc.table.family !== family || !WALKED.has(tc.table.name)) continue;
    const menu = `/${key.replace(' ', ' firewall ')}`;
    if (tc.partial) path.push(`the script changes or places rules of ${menu} that it did not create: the router's table holds more than the file shows`);
    if (tc.unknownChain || tc.unknownJump) path.push(`a chain or jump target of ${menu} is computed at run time`);
  }
  const rules = walkedRules(input.model, family);
  const changed = rules.filter((r) => (r.source.uncertain ?? []).some((u) => !u.startsWith('created')));
  const created = rules.filter((r) => (r.source.uncertain ?? []).some((u) => u.startsWith('created')));
  const say = (rs: Rule[], what: string) => {
    if (rs.length === 0) return undefined;
    const lines = rs.slice(0, 5).map(line).join(', ');
    return `the rule${rs.length > 1 ? 's' : ''} on line${rs.length > 1 ? 's' : ''} ${lines}${rs.length > 5 ? ', ...' : ''} ${what} (${rs[0].source.uncertain![0]})`;
  };
  const c = say(changed, 'may differ on the router');
  if (c) path.push(c);
  const all = [...path];
  const k = say(created, 'may not exist');
  if (k) all.push(k);
  return { all, path };
}

/** Cubes of `set` whose connection is not NATed (restricted to that). */
function notNated(set: PacketSet): PacketSet {
  const out: Cube[] = [];
  for (const c of set.cubes) if (c.e[E_NAT] & 1n) out.push(c.e[E_NAT] === 1n ? c : c.withE(E_NAT, 1n));
  return new PacketSet(set.space, out);
}

export function evaluateAssertion(input: AssertInput, a: AssertionConfig): AssertionResult {
  return a.expect === 'knock-grants' ? evaluateKnock(input, a) : evaluatePackets(input, a);
}

// ---------------------------------------------------------------------------------------------
// Packet sets

function evaluatePackets(input: AssertInput, a: AssertionConfig): AssertionResult {
  const ca = compileAssertion(a);
  const { model } = input;
  const family = ca.family;
  const base = { assertion: a, family, reasons: [] as string[], others: [] as Rule[] };
  const reach = reachOf(model, family);
  const space = reach.space;
  const hooks: Hook[] = [];
  let S = PacketSet.empty(space);
  for (const p of ca.packets) {
    S = S.union(setOf(model, family, p.match, [p.hook!]));
    if (!hooks.includes(p.hook!)) hooks.push(p.hook!);
  }
  for (const e of ca.except) S = S.subtract(setOf(model, family, e.match, e.hook ? [e.hook] : hooks));
  // loopback addresses never arrive on an interface (the kernel drops such martians before the firewall)
  const arriving = hooks.filter((h) => h !== 'output');
  if (arriving.length > 0) S = S.intersect(setOf(model, family, family === 'ipv6' ? NOT_LOOPBACK6 : NOT_LOOPBACK4, arriving)).union(S.onHook('output'));
  if (S.isEmpty()) {
    return { ...base, status: 'unknown', message: 'the packets it describes cannot occur (e.g. TCP to a broadcast address, or everything is excepted): it says nothing', reasons: ['no packet matches "packets" minus "except"'] };
  }
  if (!reach.complete) {
    return { ...base, status: 'unknown', message: 'cannot prove: the analysis of this firewall stopped at its work budget', reasons: ['the analysis is incomplete (work budget): nothing is proven'] };
  }
  const doubts = structuralDoubts(input, family);
  const never = a.expect === 'never-accepted';
  // per hook: the failing packets (accept first in the intersection: its cubes carry the accepting rule)
  const failingBy = new Map<Hook, PacketSet>();
  for (const h of HOOKS) {
    if (!hooks.includes(h)) continue;
    const Sh = S.onHook(h);
    if (Sh.isEmpty()) continue;
    const accept = reach.hook(h).accept;
    const bad = never ? accept.intersect(Sh) : Sh.subtract(accept);
    if (!bad.isEmpty()) failingBy.set(h, bad);
  }
  if (failingBy.size === 0) {
    if (doubts.all.length > 0) return { ...base, status: 'unknown', message: `cannot prove: it holds for the firewall as the file writes it, but ${doubts.all[0]}`, reasons: doubts.all };
    return { ...base, status: 'holds', message: never ? 'no packet of these is accepted' : 'every packet of these is accepted' };
  }
  // the failing packets that are certain and not NATed prove it fails; the rest only MAY break it
  const all = [...failingBy.values()].reduce((x, y) => x.union(y));
  const sure = notNated(all.certain());
  const proven = !sure.isEmpty();
  const shown = proven ? sure : all;
  const cex = counterexample(input, family, space, shown, never, proven);
  const failing = describe(shown);
  const others = decidingRules(input.model, family, shown, never);
  const reasons: string[] = [];
  if (!proven) {
    if (!notNated(all).isEmpty()) reasons.push('the failing packets depend on conditions the script cannot know (run-time values, limit, nth, ...)');
    else reasons.push('the failing packets are connections the nat table dst-nats, whose addresses this analysis does not follow');
  }
  // "fails" always comes with a packet the simulator confirms; the sets alone over-approximate what
  // no packet can be given here (a new connection with a connection mark, a layer7 payload)
  if (proven && !cex) reasons.push('no packet of the failing set could be replayed by the simulator (they need a connection mark, a layer7 payload or similar): the failure rests on the sets alone');
  const td = cex ? traceDoubt(cex) : undefined;
  if (td) reasons.push(td);
  reasons.push(...doubts.path);
  const status: Status = reasons.length === 0 ? 'fails' : 'unknown';
  if (cex) cex.certain = status === 'fails';
  const at = cex ? cex.rule ?? chainEnd(input.model, family, cex.packet.hook ?? 'input') : others[0];
  const verb = never ? 'is accepted' : 'is not accepted';
  const what = cex ? `${packetSummary(cex.packet)} ${verb}${deciderText(cex)}` : `${failing} ${verb}`;
  // a packet of an established connection while the assertion never said which states: say how to ask about new ones
  const states = ca.packets.some((p) => p.match.connectionState !== undefined);
  const hint = cex && !states && cex.packet.state !== 'new' ? ' (the assertion names no connection-state, so packets of established connections count: add connection-state=new to ask about new connections only)' : '';
  const message = status === 'fails' ? `fails: ${what}${hint}` : `may fail: ${what} (${reasons[0]})${hint}`;
  return { ...base, status, message, reasons, counterexample: cex, at, others: others.filter((r) => r !== at), failing };
}

function traceDoubt(c: Counterexample): string | undefined {
  const rules = [...c.trace.matched.map((s) => s.rule), ...(c.rule ? [c.rule] : [])];
  const r = rules.find(mayDiffer);
  if (!r) return undefined;
  return `the rule on line ${line(r)} it meets ${r.positionKnown ? `is ${r.source.uncertain?.[0] ?? 'uncertain'}` : 'has a position the script cannot know'}`;
}

function deciderText(c: Counterexample): string {
  if (c.rule) return ` by ${describeRule(c.rule)} (line ${line(c.rule)})`;
  return ` by the end of chain ${c.packet.hook ?? 'input'} (no rule decides it: implicit accept)`;
}

export function packetSummary(p: SimPacket): string {
  let t = `${p.protocol}`;
  if (p.dstPort !== undefined) t += ` ${p.dst}:${p.dstPort}`;
  else t += ` to ${p.dst}`;
  t += ` from ${p.src}`;
  if (p.inInterface) t += ` in ${p.inInterface}`;
  if (p.outInterface) t += ` out ${p.outInterface}`;
  if (p.state && p.state !== 'new') t += ` (${p.state})`;
  return t;
}

/** The last rule of the built-in chain the hook ends in (where a missing drop belongs). */
function chainEnd(model: FirewallModel, family: Family, hook: Hook): Rule | undefined {
  const t = model.tables.get(`${family} filter`);
  const rules = t?.rules.filter((r) => r.chain === hook) ?? [];
  return rules[rules.length - 1];
}

/** Rules that decide some failing packets: accepting rules (never-accepted) or dropping ones. */
function decidingRules(model: FirewallModel, family: Family, failing: PacketSet, never: boolean): Rule[] {
  const out: Rule[] = [];
  if (never) {
    for (const c of failing.cubes) if (c.trip.by && !out.includes(c.trip.by)) out.push(c.trip.by);
    return out;
  }
  const reach = reachOf(model, family);
  for (const r of walkedRules(model, family)) {
    if (r.disabled || !['drop', 'reject', 'tarpit'].includes(r.action)) continue;
    if (reach.decided(r).intersects(failing)) out.push(r);
  }
  return out;
}

function describe(set: PacketSet): string {
  const hooks = HOOKS.filter((h) => !set.onHook(h).isEmpty());
  const parts = hooks.map((h) => `${h}: ${describeSet(set.onHook(h))}`);
  return parts.join('; ');
}


/**
 * A packet of `set` replayed by the simulator: the first cube (new connections first) whose concrete
 * packet lies in the set and whose simulated verdict agrees with the sets (`never`: accepted).
 */
function counterexample(input: AssertInput, family: Family, space: Space, set: PacketSet, never: boolean, certain: boolean): Counterexample | undefined {
  // new connections first, then TCP ones (the packets a reader thinks of)
  const tcp = space.protoMask('tcp')!;
  const rank = (c: Cube) => Number(c.e[E_STATE] & 1n) * 4 + (c.e[E_PROTO] & tcp ? 2 : 0) + (c.bt === 0n ? 1 : 0);
  const cubes = [...set.cubes].sort((x, y) => rank(y) - rank(x));
  let tries = 0;
  for (const cube of cubes) {
    if (++tries > 40) break;
    const c = concretize(space, cube, family);
    if (!c) continue;
    const sim = new Simulator(input.model, { family, assume: assumeOf(c.unknowns) });
    for (const s of c.seeds) sim.seedList(s.list, s.address);
    const cell = cellOf(space, sim.context(c.packet), { unknown: (k) => c.unknowns.get(k) ?? false });
    if (!set.has(cell)) continue;
    const trace = sim.send(c.packet);
    if ((trace.verdict === 'accept') !== never) continue;
    const assumed: string[] = [];
    for (const [k, v] of c.unknowns) {
      const d = space.findDim(k);
      if (d?.kind === 'opaque' && !v) continue; // a property the packet simply lacks
      if (d) assumed.push(`${d.label}${d.rule ? ` (line ${line(d.rule)})` : ''}: ${v ? 'matches' : 'does not match'}`);
    }
    return { packet: c.packet, lists: c.seeds, assumed, trace, rule: trace.verdictRule, certain };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Knock sequences

/** Rules whose conditions the simulator takes as assumed (not modelled, not counted like limit/psd). */
function assumedRules(model: FirewallModel, family: Family, space: Space): Rule[] {
  return walkedRules(model, family).filter(
    (r) => !r.disabled && matchOf(space, r.match, r).assumed.some((l) => !l.startsWith('limit=') && !l.startsWith('psd=')),
  );
}

function evaluateKnock(input: AssertInput, a: AssertionConfig): AssertionResult {
  const family: Family = a.family ?? 'ip';
  const grant = compileGrant(a.grants!, `assertion "${a.name}"`, a.within);
  const base = { assertion: a, family, reasons: [] as string[], others: [] as Rule[] };
  const seqs = input.knocks.filter((k) => k.family === family);
  const what = `${grant.protocol} ${grant.ports.join(',')}`;
  if (seqs.length === 0) return { ...base, status: 'fails', message: `fails: the file sets up no knock sequence (${family === 'ipv6' ? '/ipv6' : '/ip'} firewall)` };
  let best: { seq: KnockSequence; outcome: KnockOutcome; plan: KnockPlan } | undefined;
  const reasons: string[] = [];
  for (const seq of seqs) {
    if (!simulatable(input.model, seq)) {
      reasons.push('a knock rule has a position the script cannot know, or a stage has no trigger: not simulated');
      continue;
    }
    const plan = planKnock(input.model, seq);
    for (const p of plan.problems) if (!reasons.includes(p)) reasons.push(p);
    const outcome = runGrant(input.model, plan, grant);
    if (!best || (outcome.granted && !best.outcome.granted)) best = { seq, outcome, plan };
    if (outcome.granted) break;
  }
  if (!best) return { ...base, status: 'unknown', message: `cannot prove: ${reasons[0]}`, reasons };
  const { outcome, plan } = best;
  const doubts = [...structuralDoubts(input, family).all];
  const assumed = assumedRules(input.model, family, spaceOfModel(input.model, family));
  if (assumed.length > 0) doubts.push(`conditions the script cannot know decide rules on line${assumed.length > 1 ? 's' : ''} ${assumed.slice(0, 5).map(line).join(', ')}`);
  const knockRules = [...plan.knockRules];
  const uncertainKnock = knockRules.find(mayDiffer);
  if (uncertainKnock) doubts.push(`the knock rule on line ${line(uncertainKnock)} may not be created as written`);
  const allReasons = [...plan.problems, ...doubts];
  const within = a.within!;
  if (outcome.granted) {
    if (allReasons.length > 0) return { ...base, status: 'unknown', knock: outcome, reasons: allReasons, message: `cannot prove: the knock grants ${what} within ${within} in the simulation, but ${allReasons[0]}` };
    return { ...base, status: 'holds', knock: outcome, message: `the knock (${plan.stages.length} stages) grants ${what} to a client that takes up to ${within}` };
  }
  const failed = outcome.runs.find((r) => !r.run.access)!;
  const f = failed.run.failure;
  const stageRule = f && f.stage < plan.stages.length ? plan.stages[f.stage].stage.rule : undefined;
  // an entry that expired before the next knock: the rule whose address-list-timeout is too short breaks it
  const expiredFrom = f && f.stage > 0 && f.stage < plan.stages.length && /expired/.test(f.reason) ? plan.stages[f.stage - 1].stage.rule : undefined;
  const at = expiredFrom ?? f?.blockedBy ?? stageRule ?? best.seq.accepts[0] ?? best.seq.stages[best.seq.stages.length - 1].rule;
  const timing = failed.gaps.some((g) => g > 1) ? ` (knocking with ${gapText(failed.gaps)})` : '';
  const why = f ? (f.stage < plan.stages.length ? `stage ${f.stage + 1} fails: ${f.reason}` : f.reason) : 'access is not granted';
  const status: Status = allReasons.length > 0 ? 'unknown' : 'fails';
  return { ...base, status, knock: outcome, at, reasons: allReasons, message: `${status === 'fails' ? 'fails' : 'may fail'}: ${grant.protocol} ${failed.port}${timing}: ${why}` };
}


function gapText(gaps: number[]): string {
  return gaps.map((g, i) => `${i === gaps.length - 1 ? 'wait' : `gap ${i + 1}`} ${Math.round(g * 1000) / 1000}s`).filter((_t, i) => gaps[i] > 0).join(', ');
}

/**
 * The knock, per granted port: quickly (the realistic 1 s gaps when they fit in `within`), then with
 * all of `within` spent in each gap in turn (just under it: an entry added at t with timeout T is gone
 * at t + T), the other gaps instant.
 */
function runGrant(model: FirewallModel, plan: KnockPlan, grant: { protocol: string; ports: number[]; within: number }): KnockOutcome {
  const n = plan.stages.length;
  const timings: number[][] = [];
  const quick = plan.stages.map(() => 1);
  if (quick.reduce((x, y) => x + y, 0) < grant.within) timings.push(quick);
  const w = Math.max(0, grant.within - 0.001);
  for (let i = 0; i < n; i++) {
    const g = new Array<number>(n).fill(0);
    g[i] = w;
    timings.push(g);
  }
  const runs: KnockOutcome['runs'] = [];
  let granted = true;
  for (const port of grant.ports) {
    const probe: SimPacket = { ...(plan.probe ?? { ...plan.base, src: plan.source }), protocol: grant.protocol, dstPort: port, time: 0 };
    const p2: KnockPlan = { ...plan, probe, protectedPort: port };
    for (const gaps of timings) {
      const run = runKnock(model, p2, { gaps });
      runs.push({ port, gaps, run });
      if (!run.access) {
        granted = false;
        break;
      }
    }
    if (!granted) break;
  }
  // the failing run first (it is what the user needs to see)
  runs.sort((x, y) => Number(x.run.access) - Number(y.run.access));
  return { sequence: plan.seq, runs, granted };
}
