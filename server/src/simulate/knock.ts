// Knock verification on the simulator: the packets a client sends for a knock sequence, the intended
// knock (realistic delays), the same knock too slowly, port scans of every port, and the knock with the
// blacklist rules enabled. The knock-sim-* checks and `rsc-lint simulate/knock` build on these.
//
// Unknown conditions (ones the simulator does not model) are resolved in the direction that keeps the
// checks from claiming what they cannot prove: for "the knock works" (`favorable`), the knock's own
// rules and jumps match and other terminal rules do not; for "a scan/slow knock grants" (`adverse`), the
// knock's rules do not match and every other rule does.

import type { Family, FirewallModel, KnockSequence, KnockStage, Rule, PortSet, Unknown } from '../model/types';
import type { AddressList, Match, Table } from '../model/types';
import { findBlacklists, matchMayOverlap, pathTo } from '../model';
import { parseAddress } from '../model/values';
import { layer7Literal } from '../features/knockClients';
import { prng } from '../prng';
import { defaultDst, Simulator } from './engine';
import type { Hook, PacketTrace, ScanOptions, SimOptions, SimPacket } from './types';

/** The knocking client in simulations (documentation addresses). */
export const KNOCK_SOURCE: Record<Family, string> = { ip: '198.51.100.7', ipv6: '2001:db8:5::7' };
/** The scanner in simulations. */
export const SCAN_SOURCE: Record<Family, string> = { ip: '203.0.113.66', ipv6: '2001:db8:66::66' };
/** Management ports a knock typically protects, in the order a probe tries them. */
export const MANAGEMENT_PORTS = [22, 8291, 443, 80, 8728, 8729, 23, 21];
/** Scan rate: 10,000 packets per second (a full scan in 6.6 s, inside any stage timeout). */
export const SCAN_RATE = 10_000;

export type Packet = Omit<SimPacket, 'time'>;

export interface PlannedStage {
  stage: KnockStage;
  packet: Packet;
}

export interface KnockPlan {
  seq: KnockSequence;
  family: Family;
  hook: Hook;
  source: string;
  /** Interface fields and destination shared by every packet of the knock. */
  base: Pick<SimPacket, 'inInterface' | 'inInterfaceLists' | 'dst' | 'hook' | 'srcMac'>;
  stages: PlannedStage[];
  /** A new connection to the protected service after the knock; undefined when access is granted by nat. */
  probe?: Packet;
  /** The port `probe` connects to. */
  protectedPort?: number;
  /** True when no management port is closed to a client that did not knock (the knock protects nothing). */
  unprotected: boolean;
  /** Why this sequence cannot be simulated faithfully (a computed value, a non-literal layer7 passphrase). */
  problems: string[];
  /** Rules of the knock (stages, accepts, grants, refreshers). */
  knockRules: Set<Rule>;
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

function formatAddress(v: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':');
}

/** The address inside `text` a packet uses (its first host), or undefined. */
function addressIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const r = parseAddress(text);
  if (!r) return undefined;
  const v = r.hi > r.lo + 1n ? r.lo + 1n : r.lo;
  return formatAddress(v, r.v6);
}

function known<T>(n: { negated: boolean; value: T | Unknown } | undefined): T | undefined {
  return n && !n.negated && !isUnknown(n.value) ? (n.value as T) : undefined;
}

function firstPort(set: PortSet | undefined): number | undefined {
  return set && set.length > 0 ? set[0][0] : undefined;
}

/** A port no enabled rule of the model matches by port (for stages triggered by size or ICMP only). */
function quietPort(model: FirewallModel): number {
  const used: PortSet = [];
  // (a loop, not push(...set): a spread of a very long set overflows the stack)
  for (const t of model.tables.values()) for (const r of t.rules) for (const n of [r.match.dstPort, r.match.anyPort]) if (n && !isUnknown(n.value)) for (const range of n.value as PortSet) used.push(range);
  for (let p = 49321; p < 65536; p++) if (!used.some(([a, b]) => p >= a && p <= b)) return p;
  return 49321;
}

/** Chooses where knock packets come from: the first interface constraint of the knock's rules. */
export function interfaceOf(model: FirewallModel, rules: Rule[]): Pick<SimPacket, 'inInterface' | 'inInterfaceLists'> {
  for (const r of rules) {
    const iface = known(r.match.inInterface);
    if (iface !== undefined) return { inInterface: iface };
    const list = known(r.match.inInterfaceList);
    if (list !== undefined) {
      const l = model.interfaceLists.get(list);
      const member = l?.members[0];
      return member !== undefined ? { inInterface: member } : { inInterface: `${list}-port`, inInterfaceLists: [list] };
    }
  }
  return { inInterface: 'wan-port' };
}

/** The rules that make up the knock (for the `assume` policies). */
function knockRulesOf(seq: KnockSequence): Set<Rule> {
  return new Set<Rule>([...seq.stages.map((s) => s.rule), ...seq.accepts, ...seq.otherGrants, ...seq.refreshers]);
}

/** Unknown conditions resolved in favour of the knock working. */
export function favorable(knockRules: Set<Rule>): SimOptions['assume'] {
  return (rule) => knockRules.has(rule) || rule.action === 'jump';
}

/** Unknown conditions resolved against a grant (scans, slow knocks). */
export function adverse(knockRules: Set<Rule>): SimOptions['assume'] {
  return (rule) => !knockRules.has(rule) && rule.action !== 'jump';
}

function stagePacket(model: FirewallModel, plan: { problems: string[] }, s: KnockStage, family: Family, quiet: () => number): Packet {
  const m = s.rule.match;
  let protocol = s.protocol ?? known(m.protocol);
  if (protocol === undefined) protocol = s.trigger === 'icmp' ? (family === 'ipv6' ? 'icmpv6' : 'icmp') : 'tcp';
  const p: Packet = { src: '', protocol };
  const isPortProto = protocol === 'tcp' || protocol === 'udp';
  if (isPortProto) {
    const port = firstPort(s.ports);
    if (port !== undefined) p.dstPort = port;
    else if (m.dstPort && !isUnknown(m.dstPort.value) && m.dstPort.negated) {
      const q = quiet();
      p.dstPort = q;
    } else p.dstPort = quiet();
    const sp = known(m.srcPort);
    if (sp) p.srcPort = sp[0][0];
  }
  if (s.packetSize) p.size = s.packetSize[0];
  const content = m.other.content;
  if (content !== undefined && !content.startsWith('!') && protocol !== 'tcp' && !(s.rule.dynamicProps ?? []).includes('content')) p.payload = content;
  if (s.layer7 !== undefined) {
    const def = model.layer7.get(s.layer7);
    const text = layer7Literal(def?.regexp);
    // a TCP connection attempt (SYN) carries no payload: the passphrase cannot travel with it
    if (protocol !== 'tcp') {
      if (text === undefined) plan.problems.push(`stage ${s.index + 1}: the layer7 pattern \`${s.layer7}\` is not a plain passphrase`);
      else if (p.payload !== undefined && !text.includes(p.payload)) plan.problems.push(`stage ${s.index + 1}: content= and the layer7 passphrase disagree`);
      else p.payload = text;
    }
  }
  const flags = known(m.tcpFlags);
  if (protocol === 'tcp' && flags) {
    const on = flags.map((f) => f.toLowerCase()).filter((f) => !f.startsWith('!'));
    if (on.length > 0) p.tcpFlags = on;
  }
  const icmp = known(m.icmpOptions);
  if (icmp) {
    const mm = /^(\d+)(?:-\d+)?(?::(\d+))?/.exec(icmp);
    if (mm) p.icmp = { type: Number(mm[1]), code: Number(mm[2] ?? 0) };
  }
  return p;
}

/** The packets a client sends for `seq`, and the probe that proves access. */
export function planKnock(model: FirewallModel, seq: KnockSequence, options: { source?: string } = {}): KnockPlan {
  const family = seq.family;
  const knockRules = knockRulesOf(seq);
  const problems: string[] = [];
  const rules = [...seq.stages.map((s) => s.rule), ...seq.accepts];
  for (const r of [...knockRules]) {
    const dyn = (r.dynamicProps ?? []).filter((p) => p !== 'comment');
    if (dyn.length > 0) problems.push(`a value is computed at run time (${dyn.join(', ')})`);
  }
  const path = pathTo(seq.stages[0].rule, model)[0];
  const entry = path?.entry;
  const hook: Hook = entry === 'forward' || entry === 'output' ? entry : 'input';
  // the knocker: inside every src-address= the knock's rules require
  let source = options.source;
  if (source === undefined) {
    for (const r of [...(path?.jumps ?? []), ...rules]) source ??= addressIn(known(r.match.srcAddress));
    source ??= KNOCK_SOURCE[family];
  }
  let dst: string | undefined;
  for (const r of [...(path?.jumps ?? []), ...rules]) dst ??= addressIn(known(r.match.dstAddress));
  dst ??= hook === 'forward' ? (family === 'ipv6' ? '2001:db8:10::10' : '192.0.2.10') : defaultDst(family);
  // the interface: what the jumps into the knock chain, the stages or the accepts require; else the WAN
  // the chain's drops name (the knocker comes from where the firewall drops strangers)
  const drops = (model.tables.get(`${family} filter`)?.rules ?? []).filter(
    (r) => !r.disabled && (r.chain === seq.stages[0].rule.chain || r.chain === entry) && (r.action === 'drop' || r.action === 'reject'),
  );
  const constrained = [...(path?.jumps ?? []), ...rules, ...seq.otherGrants];
  const base: KnockPlan['base'] = { ...interfaceOf(model, [...constrained, ...drops]), dst, hook };
  for (const r of constrained) base.srcMac ??= known(r.match.srcMacAddress);
  let q: number | undefined;
  const quiet = () => (q ??= quietPort(model));
  const stages = seq.stages.map((s) => ({ stage: s, packet: { ...stagePacket(model, { problems }, s, family, quiet), ...base, src: source! } }));

  const plan: KnockPlan = { seq, family, hook, source, base, stages, unprotected: false, problems, knockRules };
  // the probe: a new connection to a port the knock opens
  const accept = seq.accepts[0];
  if (!accept && seq.otherGrants.every((g) => g.table === 'nat')) return plan;
  const grant = accept ?? seq.otherGrants.find((g) => g.table !== 'nat')!;
  const protocol = known(grant.match.protocol) ?? 'tcp';
  const probeBase: Packet = { ...base, src: source, protocol };
  const ports = known(grant.match.dstPort) ?? known(grant.match.anyPort);
  if (ports) {
    const candidates = MANAGEMENT_PORTS.filter((p) => ports.some(([a, b]) => p >= a && p <= b));
    plan.protectedPort = candidates[0] ?? ports[0][0];
  } else {
    // the first management port a client that did not knock cannot reach
    const fresh = new Simulator(model, { family, assume: favorable(knockRules) });
    plan.protectedPort = MANAGEMENT_PORTS.find((p) => fresh.sendFast({ ...probeBase, time: 0, dstPort: p }) !== 'accept');
    if (plan.protectedPort === undefined) {
      plan.protectedPort = MANAGEMENT_PORTS[0];
      plan.unprotected = true;
    }
  }
  plan.probe = { ...probeBase, dstPort: protocol === 'tcp' || protocol === 'udp' ? plan.protectedPort : undefined };
  return plan;
}

function timeoutOf(s: KnockStage): number {
  return typeof s.timeout === 'number' ? s.timeout : Infinity;
}

/** Realistic delays: 1 s between knocks (half the timeout when that is shorter). */
export function realisticGaps(plan: KnockPlan): number[] {
  return plan.stages.map(({ stage }) => Math.min(1, timeoutOf(stage) / 2));
}

export interface StageFailure {
  /** 0-based stage index; equal to the number of stages when the knock completed but access failed. */
  stage: number;
  /** The rule that stopped the packet (drop) or took it away (an accept above the stage). */
  blockedBy?: Rule;
  /** Why, in words: "dropped by ...", "the stage rule does not match: ...". */
  reason: string;
}

export interface KnockRun {
  plan: KnockPlan;
  /** Gap after each stage, seconds (the last one is the wait before the probe). */
  gaps: number[];
  traces: PacketTrace[];
  /** Stages the source got through (in the stage's list right after its packet). */
  reached: number;
  /** The source is in the final list when the probe is sent. */
  final: boolean;
  /** The final list is reached and the probe is accepted (or no probe applies). */
  access: boolean;
  failure?: StageFailure;
}

const VERB: Record<string, string> = { accept: 'accepted', drop: 'dropped', reject: 'rejected', tarpit: 'tarpitted' };

const SUMMARY_SKIP = new Set(['action', 'chain', 'comment', 'disabled', 'log', 'log-prefix', 'place-before', 'address-list-timeout']);

/**
 * `drop` rule "drop all from WAN" / `drop` rule `in-interface-list=WAN protocol=tcp`: by comment, else by
 * its first conditions. No line numbers: the text stays the same in /export and hand-written forms.
 */
export function describeRule(r: Rule): string {
  if (r.comment) return `\`${r.action}\` rule "${r.comment}"`;
  const conds = Object.entries(r.props)
    .filter(([k]) => !SUMMARY_SKIP.has(k))
    .slice(0, 4)
    .map(([k, v]) => `${k}=${v}`);
  return `\`${r.action}\` rule in chain ${r.chain}${conds.length ? ` (\`${conds.join(' ')}\`)` : ''}`;
}

function explainStage(sim: Simulator, plan: KnockPlan, i: number, packet: SimPacket, tr: PacketTrace, timeBefore: Map<string, number>): StageFailure {
  const stage = plan.stages[i].stage;
  const blocker = tr.verdict !== 'accept' ? tr.verdictRule : undefined;
  const miss = sim.explainMiss(stage.rule, packet);
  if (miss === undefined) return { stage: i, reason: 'the stage rule is disabled' };
  if (miss.length > 0) {
    const why = miss.map((label) => {
      if (label.startsWith('layer7-protocol=') && packet.protocol === 'tcp') return `${label} (a TCP connection attempt carries no payload)`;
      if (label.startsWith('layer7-protocol=')) return `${label} (the packet carries no matching passphrase)`;
      const lm = /^src-address-list=(.*)$/.exec(label);
      if (lm) {
        const added = timeBefore.get(lm[1]);
        return added !== undefined ? `${label} (the entry added at ${added}s expired)` : `${label} (the source is not in \`${lm[1]}\`)`;
      }
      return label;
    });
    return {
      stage: i,
      blockedBy: blocker,
      reason: `the stage rule does not match the knock packet: ${why.join(', ')}${blocker ? `; the packet is then ${VERB[tr.verdict]} by the ${describeRule(blocker)}` : ''}`,
    };
  }
  if (blocker) return { stage: i, blockedBy: blocker, reason: `the packet is ${VERB[tr.verdict]} by the ${describeRule(blocker)} before it reaches the stage` };
  if (tr.verdictRule && tr.verdictRule !== stage.rule) {
    return { stage: i, blockedBy: tr.verdictRule, reason: `the packet is accepted by the ${describeRule(tr.verdictRule)} before it reaches the stage` };
  }
  const entered = tr.matched.some((s) => s.chain === stage.rule.chain);
  return {
    stage: i,
    reason: entered ? 'the packet leaves the chain before it reaches the stage (a `return`)' : `the packet never enters chain \`${stage.rule.chain}\` (no jump to it matches)`,
  };
}

/** Sends the knock (and the probe) through a fresh simulator. */
export function runKnock(
  model: FirewallModel,
  plan: KnockPlan,
  options: { gaps?: number[]; enable?: ReadonlySet<Rule>; assume?: SimOptions['assume']; start?: number } = {},
): KnockRun {
  const gaps = options.gaps ?? realisticGaps(plan);
  const sim = new Simulator(runModel(model, plan), { family: plan.family, enable: options.enable, assume: options.assume ?? favorable(plan.knockRules) });
  const traces: PacketTrace[] = [];
  let t = options.start ?? 0;
  let reached = 0;
  let failure: StageFailure | undefined;
  const addedAt = new Map<string, number>();
  for (let i = 0; i < plan.stages.length; i++) {
    const { stage, packet } = plan.stages[i];
    const p: SimPacket = { ...packet, time: t };
    const tr = sim.send(p);
    traces.push(tr);
    if (!failure && sim.inList(stage.list, plan.source, t)) reached = i + 1;
    else if (!failure) failure = explainStage(sim, plan, i, p, tr, addedAt);
    for (const c of tr.changes) if (c.op === 'add') addedAt.set(c.list, t);
    t += gaps[i] ?? 1;
  }
  const finalList = plan.seq.finalList;
  const final = sim.inList(finalList, plan.source, t);
  let access = final && !failure;
  if (plan.probe) {
    const tr = sim.send({ ...plan.probe, time: t });
    traces.push(tr);
    const ok = tr.verdict === 'accept';
    if (!failure && final && !ok) {
      const blocker = tr.verdictRule;
      failure = {
        stage: plan.stages.length,
        blockedBy: blocker,
        reason: `the knock completes (${plan.source} is in \`${finalList}\`) but a new ${plan.probe.protocol} connection to port ${plan.protectedPort} is ${VERB[tr.verdict]}${blocker ? ` by the ${describeRule(blocker)}` : ''}`,
      };
    }
    access = access && ok;
  }
  if (!failure && !final) failure = { stage: plan.stages.length - 1, reason: `the source is not in \`${finalList}\` after the last knock` };
  return { plan, gaps, traces, reached, final, access, failure };
}

/** Gaps for "too slow at stage i": one second longer than stage i's timeout, the rest realistic. */
export function slowGaps(plan: KnockPlan, i: number): number[] | undefined {
  const t = timeoutOf(plan.stages[i].stage);
  if (!Number.isFinite(t)) return undefined;
  const gaps = realisticGaps(plan);
  gaps[i] = t + 1;
  return gaps;
}

// ---------------------------------------------------------------------------------------------
// Scans

export interface ScanSpec {
  kind: 'ascending' | 'descending' | 'random';
  seed?: number;
}

export const DEFAULT_SCANS: ScanSpec[] = [
  { kind: 'ascending' },
  { kind: 'descending' },
  { kind: 'random', seed: 1 },
  { kind: 'random', seed: 2 },
  { kind: 'random', seed: 3 },
];

export function scanName(s: ScanSpec): string {
  return s.kind === 'random' ? `random-order scan (seed ${s.seed ?? 1})` : `${s.kind} scan`;
}


const orderCache = new Map<string, Int32Array>();

/** Ports 1..65535 in scan order. */
export function scanOrder(s: ScanSpec): Int32Array {
  const key = `${s.kind} ${s.seed ?? 1}`;
  const hit = orderCache.get(key);
  if (hit) return hit;
  const out = new Int32Array(65535);
  for (let i = 0; i < 65535; i++) out[i] = s.kind === 'descending' ? 65535 - i : i + 1;
  if (s.kind === 'random') {
    const rnd = prng(s.seed ?? 1);
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      const x = out[i];
      out[i] = out[j];
      out[j] = x;
    }
  }
  orderCache.set(key, out);
  return out;
}

export interface StageAdvance {
  stage: number;
  port: number;
  protocol: string;
  time: number;
  packet: number;
}

export interface ScanResult {
  scan: ScanSpec;
  protocols: string[];
  /** Packets sent (the scan stops at the grant). */
  packets: number;
  granted: boolean;
  /** The packet that put the scanner in each stage's list last before the grant, by stage. */
  advances: StageAdvance[];
  /** One packet advanced several stages (stage matchers overlap). */
  climbed: boolean;
}

// The part of the firewall a simulation of one knock depends on. In a file with many knocks most rules
// cannot change what happens to one knock's packets; running every packet class of every scan through
// every rule of the file made the knock-sim-* checks of N knocks cost about N^3 (250 knocks: 84 s).
// Each knock's scans and runs use a slice of the model instead, found through a per-model index, so a
// knock costs the same whatever else the file holds.

const LIST_ADDS = new Set(['add-src-to-address-list', 'add-dst-to-address-list']);
/** Actions that end the packet's way through the table and change nothing else. */
const STOPS = new Set(['accept', 'drop', 'reject', 'tarpit']);
/** Actions with no effect on anything a later packet sees. */
const NO_EFFECT = new Set(['log', 'passthrough']);

/** Adds the address lists `m` reads to `out`; false when a list name is computed at run time. */
function readLists(m: Match, out: Set<string>): boolean {
  for (const n of [m.srcAddressList, m.dstAddressList]) {
    if (!n) continue;
    if (isUnknown(n.value)) return false;
    out.add(n.value as string);
  }
  return true;
}

const fixedCache = new WeakMap<Rule, Match>();

/**
 * The conditions of `r` that stay the same for a packet along its way through the tables: without
 * address lists (a rule in between may add the packet's address) and connection states (`notrack`).
 */
function fixedConditions(r: Rule): Match {
  let f = fixedCache.get(r);
  if (!f) {
    f = { ...r.match, srcAddressList: undefined, dstAddressList: undefined, connectionState: undefined, connectionNatState: undefined };
    fixedCache.set(r, f);
  }
  return f;
}

/** The ports of a positive, literal `dst-port=` (undefined: any port may match). */
function dstPortsOf(r: Rule): PortSet | undefined {
  const n = r.match.dstPort;
  return n && !n.negated && !isUnknown(n.value) ? (n.value as PortSet) : undefined;
}

function portsIntersect(a: PortSet, b: PortSet): boolean {
  for (const [x, y] of a) for (const [u, v] of b) if (x <= v && u <= y) return true;
  return false;
}

interface SliceIndex {
  /** The family's rules, in table order (a slice keeps this order). */
  rules: Rule[];
  /** list-adding rules by the list they fill */
  addersByList: Map<string, Rule[]>;
  /** Rules kept in every slice: actions other than stops, list additions and logging (jumps, marks...). */
  others: Rule[];
  /** Stops with a dst-port= set, and the others (any port). */
  portStops: Rule[];
  anyPortStops: Rule[];
  /** False: stateful matchers or computed list names; slices are the whole model. */
  sliceable: boolean;
}

const indexCache = new WeakMap<FirewallModel, Map<Family, SliceIndex>>();

function sliceIndex(model: FirewallModel, family: Family): SliceIndex {
  let byFamily = indexCache.get(model);
  if (!byFamily) indexCache.set(model, (byFamily = new Map()));
  let ix = byFamily.get(family);
  if (ix) return ix;
  ix = { rules: [], addersByList: new Map(), others: [], portStops: [], anyPortStops: [], sliceable: true };
  const scratch = new Set<string>();
  for (const t of model.tables.values()) {
    if (t.family !== family) continue;
    for (const r of t.rules) {
      ix.rules.push(r);
      const m = r.match;
      // stateful matchers (psd, limit) count every packet that reaches them: leaving out a rule above
      // one could change what it sees
      if (m.psd !== undefined || m.limit !== undefined || m.dstLimit !== undefined || m.connectionLimit !== undefined) ix.sliceable = false;
      if (!readLists(m, scratch)) ix.sliceable = false;
      if (LIST_ADDS.has(r.action)) {
        if (r.addressList === undefined) ix.sliceable = false;
        else {
          let l = ix.addersByList.get(r.addressList);
          if (!l) ix.addersByList.set(r.addressList, (l = []));
          l.push(r);
        }
      } else if (STOPS.has(r.action)) (dstPortsOf(r) && !r.match.anyPort ? ix.portStops : ix.anyPortStops).push(r);
      else if (!NO_EFFECT.has(r.action)) ix.others.push(r);
    }
  }
  byFamily.set(family, ix);
  return ix;
}

/** `model` with the family's tables holding only `keep`, and the static entries of `lists` only. */
function restrict(model: FirewallModel, family: Family, keep: Set<Rule>, lists: Set<string>): FirewallModel {
  const tables = new Map<string, Table>();
  for (const [key, t] of model.tables) {
    if (t.family !== family) continue;
    tables.set(key, { family: t.family, name: t.name, rules: t.rules.filter((r) => keep.has(r)) });
  }
  const addressLists = new Map<string, AddressList>();
  for (const [key, l] of model.addressLists) if (l.family === family && lists.has(l.name)) addressLists.set(key, l);
  return { ...model, tables, addressLists };
}

const sliceCache = new WeakMap<KnockPlan, WeakMap<FirewallModel, FirewallModel>>();
const runSliceCache = new WeakMap<KnockPlan, WeakMap<FirewallModel, FirewallModel>>();

function cached(
  store: WeakMap<KnockPlan, WeakMap<FirewallModel, FirewallModel>>,
  plan: KnockPlan,
  model: FirewallModel,
  make: () => FirewallModel,
): FirewallModel {
  let byModel = store.get(plan);
  if (!byModel) store.set(plan, (byModel = new WeakMap()));
  let m = byModel.get(model);
  if (!m) byModel.set(model, (m = make()));
  return m;
}

/**
 * The model a scan of `plan` runs on: the same outcome for the knock's lists as the whole model, with
 * the rules that cannot affect it left out. Kept: every rule that adds to a list the knock's rules (or
 * any kept rule) read or fill, every rule whose action is not a plain stop or a log (jumps, returns,
 * marks...), and every accept/drop/reject/tarpit a packet could match together with a kept list-adding
 * rule (conditions compared without address lists and connection states, which can change between the
 * two rules). A packet such a stop would have stopped can match no kept list-adding rule, so letting it
 * go on adds nothing to a list that matters. Left out: additions to lists nothing kept reads (the other
 * knocks' stages), stops that never overlap them (other knocks' accepts on their own ports), log rules,
 * and the static entries of lists nothing kept reads. Files with stateful matchers (psd, limit: every
 * packet that reaches them counts) or list names computed at run time are not sliced.
 */
export function scanModel(model: FirewallModel, plan: KnockPlan, enable?: ReadonlySet<Rule>): FirewallModel {
  if (enable && enable.size > 0) return scanSlice(model, plan, enable);
  return cached(sliceCache, plan, model, () => scanSlice(model, plan, undefined));
}

function scanSlice(model: FirewallModel, plan: KnockPlan, enable: ReadonlySet<Rule> | undefined): FirewallModel {
  const family = plan.family;
  const ix = sliceIndex(model, family);
  if (!ix.sliceable) return model;
  const on = (r: Rule) => !r.disabled || enable?.has(r) === true;
  const lists = new Set<string>();
  for (const st of plan.seq.stages) {
    lists.add(st.list);
    readLists(st.rule.match, lists);
  }
  lists.add(plan.seq.finalList);
  const keep = new Set<Rule>();
  const adders: Rule[] = [];
  const take = (r: Rule) => {
    keep.add(r);
    readLists(r.match, lists);
  };
  for (const r of ix.others) if (on(r)) take(r);
  const doneLists = new Set<string>();
  let anyPortAdder = false;
  for (;;) {
    // the adders of every list found so far
    let grew = false;
    for (const l of [...lists]) {
      if (doneLists.has(l)) continue;
      doneLists.add(l);
      for (const r of ix.addersByList.get(l) ?? []) {
        if (keep.has(r) || !on(r)) continue;
        take(r);
        adders.push(r);
        if (!dstPortsOf(r)) anyPortAdder = true;
        grew = true;
      }
    }
    // the stops that may meet one of them
    const candidates = anyPortAdder ? [...ix.anyPortStops, ...ix.portStops] : ix.anyPortStops.concat(
      ix.portStops.filter((s) => adders.some((a) => portsIntersect(dstPortsOf(s)!, dstPortsOf(a)!))),
    );
    for (const r of candidates) {
      if (keep.has(r) || !on(r)) continue;
      const f = fixedConditions(r);
      if (!adders.some((a) => matchMayOverlap(f, fixedConditions(a), model))) continue;
      take(r);
      grew = true;
    }
    if (!grew && [...lists].every((l) => doneLists.has(l))) break;
  }
  return restrict(model, family, keep, lists);
}

/**
 * The model a knock run (the intended knock, a slow one, the knock with the blacklist on) of `plan`
 * runs on: the rules a packet of the run can match at all. A rule whose literal dst-port= (or port=)
 * holds none of the run's ports never matches one of its packets, whatever the lists hold, so it is
 * left out, with the static entries of lists no kept rule reads or fills. Not for files with stateful
 * matchers or computed list names (the whole model then).
 */
export function runModel(model: FirewallModel, plan: KnockPlan): FirewallModel {
  return cached(runSliceCache, plan, model, () => {
    const family = plan.family;
    const ix = sliceIndex(model, family);
    if (!ix.sliceable) return model;
    const packets = [...plan.stages.map((s) => s.packet), ...(plan.probe ? [plan.probe] : [])];
    const dst = new Set<number>();
    const any = new Set<number>();
    for (const p of packets) {
      if (p.dstPort !== undefined) {
        dst.add(p.dstPort);
        any.add(p.dstPort);
      }
      if (p.srcPort !== undefined) any.add(p.srcPort);
    }
    const can = (set: PortSet, ports: Set<number>) => {
      for (const p of ports) for (const [a, b] of set) if (p >= a && p <= b) return true;
      return false;
    };
    const keep = new Set<Rule>();
    const lists = new Set<string>([...plan.stages.map((s) => s.stage.list), plan.seq.finalList]);
    for (const r of ix.rules) {
      // the knock's own rules stay (explanations name them, whatever their ports)
      const d = plan.knockRules.has(r) ? undefined : dstPortsOf(r);
      if (d && !can(d, dst)) continue;
      const ap = r.match.anyPort;
      if (ap && !plan.knockRules.has(r) && !ap.negated && !isUnknown(ap.value) && !can(ap.value as PortSet, any)) continue;
      keep.add(r);
      readLists(r.match, lists);
      if (r.addressList !== undefined) lists.add(r.addressList);
    }
    // a rule that requires the packet's address in a list nothing can fill (no kept rule adds to it, no
    // static entry) never matches either: the other knocks' accepts on the protected port
    const hasEntries = (l: string) => (model.addressLists.get(`${family} ${l}`)?.entries.length ?? 0) > 0;
    for (let changed = true; changed; ) {
      changed = false;
      const fillable = new Set<string>();
      for (const r of keep) if (r.addressList !== undefined && LIST_ADDS.has(r.action)) fillable.add(r.addressList);
      for (const r of [...keep]) {
        if (plan.knockRules.has(r)) continue;
        for (const n of [r.match.srcAddressList, r.match.dstAddressList]) {
          if (!n || n.negated || isUnknown(n.value)) continue;
          const l = n.value as string;
          if (fillable.has(l) || hasEntries(l)) continue;
          keep.delete(r);
          changed = true;
          break;
        }
      }
    }
    if (keep.size === ix.rules.length) return model;
    const read = new Set<string>([...plan.stages.map((s) => s.stage.list), plan.seq.finalList]);
    for (const r of keep) {
      readLists(r.match, read);
      if (r.addressList !== undefined) read.add(r.addressList);
    }
    return restrict(model, family, keep, read);
  });
}

/** Runs one scan of every port from `SCAN_SOURCE` (or `source`) against the knock. */
export function runScan(
  model: FirewallModel,
  plan: KnockPlan,
  scan: ScanSpec,
  options: { enable?: ReadonlySet<Rule>; rate?: number; source?: string; assume?: SimOptions['assume']; mode?: ScanOptions['mode'] } = {},
): ScanResult {
  const protocols = [...new Set(plan.stages.map((s) => s.packet.protocol).filter((p) => p === 'tcp' || p === 'udp'))];
  const source = options.source ?? SCAN_SOURCE[plan.family];
  const stageOf = new Map<string, number[]>();
  plan.stages.forEach(({ stage }, i) => stageOf.set(stage.list, [...(stageOf.get(stage.list) ?? []), i]));
  const finalList = plan.seq.finalList;
  const last: Array<StageAdvance | undefined> = plan.stages.map(() => undefined);
  const rate = options.rate ?? SCAN_RATE;
  let granted = false;
  let climbed = false;
  let lastPacket = -1;
  let lastPacketStages = new Set<number>();
  const ports = scanOrder(scan);
  const sim = new Simulator(scanModel(model, plan, options.enable), {
    family: plan.family,
    enable: options.enable,
    assume: options.assume ?? adverse(plan.knockRules),
    onAdd: (list, address, time, rule, index) => {
      const stages = stageOf.get(list);
      if (!stages || address !== source) return;
      if (index !== lastPacket) {
        lastPacket = index;
        lastPacketStages = new Set();
      }
      for (const i of stages) {
        if (plan.stages[i].stage.rule !== rule) continue;
        lastPacketStages.add(i);
        const k = Math.round(time * rate);
        const perPort = protocols.length;
        last[i] = { stage: i, port: ports[Math.floor(k / perPort)] ?? -1, protocol: protocols[k % perPort] ?? '?', time, packet: index };
      }
      if (lastPacketStages.size > 1) climbed = true;
      if (list === finalList) granted = true;
    },
  });
  const packets =
    protocols.length === 0 ? 0 : sim.scan({ ...plan.base, srcMac: undefined, src: source, protocol: protocols[0], time: 0 }, protocols, ports, rate, () => granted, {
          mode: options.mode ?? 'compress',
        });
  return { scan, protocols, packets, granted, advances: last.filter((a): a is StageAdvance => a !== undefined), climbed };
}

/** Stages whose trigger matches more than one port (or any port): a scan hits them easily. */
export function wideStages(plan: KnockPlan): number[] {
  return plan.stages
    .filter(({ stage }) => {
      if (!stage.ports) return true;
      let n = 0;
      for (const [a, b] of stage.ports) n += b - a + 1;
      return n > 1;
    })
    .map(({ stage }) => stage.index);
}

// ---------------------------------------------------------------------------------------------
// Blacklists

const blacklistCache = new WeakMap<FirewallModel, Map<Family, Set<Rule>>>();

/** Disabled rules of the file's blacklists (drops, fillers, feeders) in the knock's family (once per model). */
export function disabledBlacklistRules(model: FirewallModel, family: Family): Set<Rule> {
  let byFamily = blacklistCache.get(model);
  if (!byFamily) {
    byFamily = new Map();
    for (const b of findBlacklists(model)) {
      let out = byFamily.get(b.family);
      if (!out) byFamily.set(b.family, (out = new Set()));
      for (const r of [...b.drops, ...b.fillers, ...b.feeders]) if (r.disabled) out.add(r);
    }
    blacklistCache.set(model, byFamily);
  }
  // a copy: callers own the set they get
  return new Set(byFamily.get(family));
}

// ---------------------------------------------------------------------------------------------
// Everything the checks need, computed once per sequence and lint

export interface Verification {
  plan: KnockPlan;
  /** Undefined when the plan has problems (nothing is claimed then). */
  intended?: KnockRun;
  /**
   * For each stage with a finite timeout but the last: the knock too slow at that stage. Only runs that
   * reach the final list keep their traces (the only ones a check reads): a knock of n stages would
   * otherwise hold n² packet traces.
   */
  slow: Array<{ stage: number; run: KnockRun }>;
  scans?: ScanResult[];
  /** The intended knock with the disabled blacklist rules enabled (when there are any). */
  withBlacklist?: { rules: Set<Rule>; run: KnockRun };
}

const cache = new WeakMap<KnockSequence, Verification>();

/** Should this sequence be simulated at all? (filter table, positions known, stages enabled...) */
export function simulatable(model: FirewallModel, seq: KnockSequence): boolean {
  if (seq.table !== 'filter' || seq.stages.length === 0) return false;
  const t = model.tables.get(`${seq.family} filter`);
  if (!t || t.rules.some((r) => !r.positionKnown)) return false;
  // a disabled stage is the author's choice (a script enables it later): nothing to prove as written
  return seq.stages.every((s) => s.trigger !== 'none' && !s.rule.disabled);
}

export function verification(model: FirewallModel, seq: KnockSequence): Verification | undefined {
  if (!simulatable(model, seq)) return undefined;
  let v = cache.get(seq);
  if (!v) {
    const plan = planKnock(model, seq);
    v = { plan, slow: [] };
    if (plan.problems.length === 0) v.intended = runKnock(model, plan);
    cache.set(seq, v);
  }
  return v;
}

export function verifySlow(model: FirewallModel, v: Verification): Verification['slow'] {
  if (v.slow.length === 0 && v.plan.problems.length === 0) {
    const plan = v.plan;
    for (let i = 0; i < plan.stages.length - 1; i++) {
      const gaps = slowGaps(plan, i);
      if (!gaps) continue;
      const run = runKnock(model, plan, { gaps, assume: adverse(plan.knockRules) });
      if (!run.final) run.traces = [];
      v.slow.push({ stage: i, run });
    }
  }
  return v.slow;
}

export function verifyScans(model: FirewallModel, v: Verification, scans: ScanSpec[] = DEFAULT_SCANS): ScanResult[] {
  if (!v.scans) v.scans = v.plan.problems.length === 0 ? scans.map((s) => runScan(model, v.plan, s)) : [];
  return v.scans;
}

export function verifyBlacklist(model: FirewallModel, v: Verification): Verification['withBlacklist'] {
  if (v.withBlacklist === undefined && v.plan.problems.length === 0) {
    const rules = disabledBlacklistRules(model, v.plan.family);
    if (rules.size > 0) v.withBlacklist = { rules, run: runKnock(model, v.plan, { enable: rules }) };
  }
  return v.withBlacklist;
}
