// The firewall map's data: a pure function of the lint result. Each table (raw, mangle, filter, nat; IPv4 and
// IPv6) as its chains in hook order with their rules as rows (the number `print` shows, action, the matches
// that matter, comment), jumps as edges into custom chains, each rule marked with what the checks prove
// (unreachable, never matches, hides another, part of a knock, the final drop, disabled), each knock sequence as
// a path through its stages to its accept, and an optional packet trace from the simulator on top.
//
// The statuses come from the lint's own findings (rule-unreachable, rule-never-matches, knock-shadowed, ...), so
// the map and the squiggles can never disagree. Rendering (SVG, HTML, DOT) is in mapRender.ts.

import type { LintResult } from '../lint';
import type { Finding } from '../rules/types';
import type { Family, FirewallModel, KnockSequence, Rule, TableName } from '../model/types';
import { describeKnockSequence, formatTimeout } from './knockClients';
import { planKnock, runKnock } from '../simulate/knock';
import { Simulator, defaultDst } from '../simulate/engine';
import type { SimPacket } from '../simulate/types';
import { printNumbers } from '../model/numbering';

export type RuleStatus =
  | 'unreachable'
  | 'never-matches'
  | 'hides-another'
  | 'knock'
  | 'knock-dead'
  | 'final-drop'
  | 'disabled'
  | 'exposed';

export interface MapRule {
  uid: number;
  /** The number `print` shows (0-based across the table), or undefined when the position is uncertain. */
  number?: number;
  /** 1-based line of the rule's command; 0-based offsets of its range (for selection sync). */
  line: number;
  endLine: number;
  start: number;
  end: number;
  action: string;
  /** The matches that matter, short: `tcp dst-port=22 in-list=WAN src-list=secured`. */
  summary: string;
  comment?: string;
  jumpTarget?: string;
  statuses: RuleStatus[];
  /** Rule ids of the findings on this rule, with their messages (tooltips). */
  findings: Array<{ rule: string; message: string; severity: string }>;
}

export interface MapChain {
  /** Unique in the map: `ip filter input`. */
  id: string;
  name: string;
  builtin: boolean;
  rules: MapRule[];
}

export interface MapTable {
  id: string;
  family: Family;
  name: TableName;
  chains: MapChain[];
}

export interface MapEdge {
  /** The jump (or goto) rule and its chain. */
  fromChain: string;
  fromRule: number;
  toChain: string;
}

export interface MapKnock {
  index: number;
  description: string;
  table: string;
  stages: number[];
  accepts: number[];
  /** Where the simulated knock fails, when it does: the stage (1-based) and the rule that stopped it. */
  failsAt?: { stage: number; reason: string; blockedBy?: number };
}

export interface MapTraceStep {
  uid: number;
  action: string;
  note?: string;
}

export interface MapTracePacket {
  label: string;
  time: number;
  verdict: string;
  verdictRule?: number;
  steps: MapTraceStep[];
  /** Address-list changes as text: `+ knock1 198.51.100.7 (30 s)`. */
  changes: string[];
}

export interface MapTrace {
  title: string;
  packets: MapTracePacket[];
  result?: string;
}

export interface FirewallMap {
  tables: MapTable[];
  edges: MapEdge[];
  knocks: MapKnock[];
  trace?: MapTrace;
}

export interface MapOptions {
  /** Only this table (`filter`, `nat`, `mangle`, `raw`), both families. */
  table?: string;
}

/** Built-in chains of each table, in the order packets meet them. */
const HOOK_ORDER: Record<TableName, readonly string[]> = {
  raw: ['prerouting', 'output'],
  mangle: ['prerouting', 'input', 'forward', 'output', 'postrouting'],
  filter: ['input', 'forward', 'output'],
  nat: ['dstnat', 'srcnat'],
};
const TABLE_ORDER: TableName[] = ['raw', 'mangle', 'filter', 'nat'];

const TERMINAL = new Set(['drop', 'reject', 'tarpit']);

function neg(n: { negated: boolean } | undefined): string {
  return n?.negated ? '!' : '';
}

function val(v: unknown): string {
  if (v && typeof v === 'object' && 'unknown' in (v as object)) return (v as { raw: string }).raw;
  if (Array.isArray(v)) {
    return v.map((x) => (Array.isArray(x) ? (x[0] === x[1] ? `${x[0]}` : `${x[0]}-${x[1]}`) : String(x))).join(',');
  }
  return String(v);
}

/** The conditions a reader looks for, in the order they read a rule. */
export function ruleSummary(r: Rule): string {
  const m = r.match;
  const parts: string[] = [];
  const add = (label: string, n: { negated: boolean; value: unknown } | undefined) => {
    if (n) parts.push(`${label}${neg(n)}${val(n.value)}`);
  };
  if (m.protocol) parts.push(`${neg(m.protocol)}${val(m.protocol.value)}`);
  add('dport=', m.dstPort);
  add('sport=', m.srcPort);
  add('port=', m.anyPort);
  add('in=', m.inInterface);
  add('in-list=', m.inInterfaceList);
  add('out=', m.outInterface);
  add('out-list=', m.outInterfaceList);
  add('src=', m.srcAddress);
  add('dst=', m.dstAddress);
  add('src-list=', m.srcAddressList);
  add('dst-list=', m.dstAddressList);
  add('state=', m.connectionState);
  add('nat-state=', m.connectionNatState);
  add('flags=', m.tcpFlags);
  add('size=', m.packetSize);
  add('l7=', m.layer7Protocol);
  if (m.psd) parts.push('psd');
  if (m.limit) parts.push('limit');
  if (m.connectionLimit) parts.push('connection-limit');
  for (const k of Object.keys(m.other)) parts.push(k === 'dst-address-type' ? `dst-type=${m.other[k]}` : k);
  if (r.addressList) parts.push(`-> ${r.addressList}${r.addressListTimeout !== undefined ? ` (${formatTimeout(r.addressListTimeout)})` : ''}`);
  if (r.jumpTarget) parts.push(`-> ${r.jumpTarget}`);
  return parts.join(' ');
}

/** A rule that matches on interfaces (or nothing) only. */
function broad(r: Rule): boolean {
  const m = r.match;
  const narrow = m.protocol || m.srcPort || m.dstPort || m.anyPort || m.srcAddress || m.dstAddress || m.srcAddressList || m.dstAddressList ||
    m.connectionState || m.connectionNatState || m.tcpFlags || m.packetSize || m.layer7Protocol || m.psd || m.limit || m.dstLimit ||
    m.connectionLimit || m.srcMacAddress || m.icmpOptions || Object.keys(m.other).length > 0;
  return !narrow;
}

function chainId(family: Family, table: string, chain: string): string {
  return `${family} ${table} ${chain}`;
}

/** Plain text for a page or a picture: no Markdown backticks. */
const plain = (s: string) => s.replace(/`([^`]*)`/g, '"$1"');

/** The map of the firewall `result` describes. */
export function firewallMap(result: LintResult, options: MapOptions = {}): FirewallMap {
  const { model } = result;
  // Findings by the start offset of the command they sit on.
  const byOffset = new Map<number, Array<{ rule: string; message: string; severity: string }>>();
  const hiders = new Set<number>();
  // Findings folded into the finding on their cause (lint.ts mergeEvidence) still mark their own rule: the
  // unreachable drop below an accept-all, the knock stage it hides. Their cause is a hider.
  const all: Array<Pick<Finding, 'rule' | 'message' | 'severity' | 'range' | 'related'>> = [...result.findings];
  for (const f of result.findings) {
    for (const r of f.related ?? []) {
      if (r.folded !== 'rule-unreachable' && r.folded !== 'knock-shadowed') continue;
      all.push({ rule: r.folded, message: r.message, severity: f.severity, range: r.range });
      hiders.add(f.range.start.offset);
    }
  }
  for (const f of all) {
    let list = byOffset.get(f.range.start.offset);
    if (!list) byOffset.set(f.range.start.offset, (list = []));
    list.push({ rule: f.rule, message: f.message, severity: f.severity });
  }
  const knockRules = new Set<Rule>();
  const knockAt = new Set<number>();
  for (const k of result.knocks) {
    for (const s of k.stages) knockRules.add(s.rule);
    for (const a of k.accepts) knockRules.add(a);
  }
  for (const r of knockRules) knockAt.add(r.source.range.start.offset);
  // A knock rule never fires when a knock finding sits on it or lists it (one finding per hidden knock: the other
  // stages and the accept are its related locations); a related location that is no knock rule is the hider.
  const deadAt = new Set<number>();
  const KNOCK_DEAD = new Set(['knock-shadowed', 'knock-no-access', 'knock-sim-fails']);
  for (const f of all) {
    const dead = KNOCK_DEAD.has(f.rule);
    if (dead) deadAt.add(f.range.start.offset);
    if (dead || f.rule === 'rule-unreachable') {
      for (const rel of f.related ?? []) {
        const o = rel.range.start.offset;
        if (dead && knockAt.has(o)) deadAt.add(o);
        else if (!knockAt.has(o)) hiders.add(o);
      }
    }
  }
  // ... and when the simulated knock breaks at or before its stage.
  const failures = new Map<KnockSequence, NonNullable<MapKnock['failsAt']>>();
  for (const seq of result.knocks) {
    try {
      const run = runKnock(model, planKnock(model, seq));
      if (!run.access && run.failure) {
        const failsAt = { stage: run.failure.stage + 1, reason: plain(run.failure.reason), blockedBy: run.failure.blockedBy?.uid };
        failures.set(seq, failsAt);
        seq.stages.forEach((st, i) => {
          if (i + 1 >= failsAt.stage) deadAt.add(st.rule.source.range.start.offset);
        });
        for (const a of seq.accepts) deadAt.add(a.source.range.start.offset);
      }
    } catch {
      /* a knock the simulator cannot run: no failure claimed */
    }
  }

  const tables: MapTable[] = [];
  const edges: MapEdge[] = [];
  const sorted = [...model.tables.values()].sort(
    (a, b) => (a.family === b.family ? 0 : a.family === 'ip' ? -1 : 1) || TABLE_ORDER.indexOf(a.name) - TABLE_ORDER.indexOf(b.name),
  );
  for (const t of sorted) {
    if (options.table && t.name !== options.table) continue;
    const chains = new Map<string, MapChain>();
    const hooks = HOOK_ORDER[t.name] ?? [];
    // the number print shows, only where the script can know it (model/numbering.ts: a table the script did not
    // empty also holds the router's own rules)
    const { numbers } = printNumbers(t);
    t.rules.forEach((r) => {
      if (!r.source?.range) return;
      let c = chains.get(r.chain);
      if (!c) chains.set(r.chain, (c = { id: chainId(t.family, t.name, r.chain), name: r.chain, builtin: hooks.includes(r.chain), rules: [] }));
      const at = r.source.range.start.offset;
      const findings = byOffset.get(at) ?? [];
      const statuses: RuleStatus[] = [];
      if (r.disabled) statuses.push('disabled');
      if (findings.some((f) => f.rule === 'rule-unreachable')) statuses.push('unreachable');
      if (findings.some((f) => f.rule === 'rule-never-matches')) statuses.push('never-matches');
      if (hiders.has(at)) statuses.push('hides-another');
      if (knockRules.has(r)) {
        statuses.push(deadAt.has(at) ? 'knock-dead' : 'knock');
      }
      if (findings.some((f) => f.rule === 'service-exposed' || f.rule === 'knock-exposed-service' || f.rule === 'wan-input-open')) statuses.push('exposed');
      c.rules.push({
        uid: r.uid,
        number: numbers.get(r),
        line: r.source.range.start.line + 1,
        endLine: r.source.range.end.line + 1,
        start: at,
        end: r.source.range.end.offset,
        action: r.action,
        summary: ruleSummary(r),
        comment: r.comment,
        jumpTarget: r.action === 'jump' || r.action === 'goto' ? r.jumpTarget : undefined,
        statuses,
        findings,
      });
    });
    // The final drop of each built-in chain: its last enabled drop/reject that matches on interfaces at most
    // (the "drop everything else" rule), wherever it sits.
    for (const c of chains.values()) {
      if (!c.builtin) continue;
      const rules = t.rules.filter((r) => r.chain === c.name && !r.disabled && TERMINAL.has(r.action) && broad(r));
      const last = rules[rules.length - 1];
      const row = last && c.rules.find((x) => x.uid === last.uid);
      if (row) row.statuses.push('final-drop');
    }
    const ordered = [...chains.values()].sort((a, b) => {
      const ia = hooks.indexOf(a.name);
      const ib = hooks.indexOf(b.name);
      if (ia >= 0 || ib >= 0) return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
      return a.rules[0].start - b.rules[0].start;
    });
    for (const c of ordered) {
      for (const r of c.rules) {
        if (!r.jumpTarget) continue;
        const target = chainId(t.family, t.name, r.jumpTarget);
        if (chains.has(r.jumpTarget)) edges.push({ fromChain: c.id, fromRule: r.uid, toChain: target });
      }
    }
    tables.push({ id: `${t.family} ${t.name}`, family: t.family, name: t.name, chains: ordered });
  }

  const knocks: MapKnock[] = result.knocks.map((seq, i) => {
    const k: MapKnock = {
      index: i + 1,
      description: plain(describeKnockSequence(seq)),
      table: `${seq.family} ${seq.table}`,
      stages: seq.stages.map((s) => s.rule.uid),
      accepts: seq.accepts.map((a) => a.uid),
    };
    const failsAt = failures.get(seq);
    if (failsAt) k.failsAt = failsAt;
    return k;
  });
  return { tables, edges, knocks };
}

/** The simulated knock `index` (1-based) as a trace on the map. */
export function knockTrace(model: FirewallModel, result: LintResult, index: number): MapTrace | undefined {
  const seq = result.knocks[index - 1];
  if (!seq) return undefined;
  const plan = planKnock(model, seq);
  const run = runKnock(model, plan);
  return {
    title: plain(`knock ${index}: ${describeKnockSequence(seq)} from ${plan.source}`),
    packets: run.traces.map((tr, i) => tracePacket(tr, i < plan.stages.length ? `stage ${i + 1}` : 'access')),
    result: run.access ? 'access granted' : plain(`fails${run.failure ? ` at stage ${run.failure.stage + 1}: ${run.failure.reason}` : ''}`),
  };
}

/** Packets through the firewall as a trace on the map. */
export function packetTrace(model: FirewallModel, title: string, packets: SimPacket[], family: Family = 'ip'): MapTrace {
  const sim = new Simulator(model, { family });
  return { title, packets: packets.map((p) => tracePacket(sim.send({ ...p, dst: p.dst ?? defaultDst(family) }), p.protocol)) };
}

function tracePacket(tr: ReturnType<Simulator['send']>, label: string): MapTracePacket {
  const p = tr.packet;
  const what = `${p.protocol}${p.dstPort !== undefined ? ` ${p.dstPort}` : ''} from ${p.src}`;
  return {
    label: `${label}: ${what}`,
    time: p.time,
    verdict: tr.verdict,
    verdictRule: tr.verdictRule?.uid,
    steps: tr.matched.map((s) => ({ uid: s.rule.uid, action: s.action, ...(s.note ? { note: s.note } : {}) })),
    changes: tr.changes.map((c) => `${c.op === 'add' ? '+' : '~'} ${c.list} ${c.address}${Number.isFinite(c.expires) ? ` (until ${Math.round(c.expires - p.time)} s later)` : ''}`),
  };
}
