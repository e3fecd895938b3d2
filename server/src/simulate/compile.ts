// Compiles a rule for the simulator: its match conditions come from the one semantics
// (server/src/semantics/match.ts, the same literals the static analysis splits sets with), its action
// from semantics/pipeline.ts; this file adds what only the simulator needs: labels for traces, the
// counters of stateful matchers (psd, limit), the port sets and lists scans group packets by.
//
// Every condition is a { label, test } pair: `test` decides, `label` explains a miss in traces
// ("src-address-list=knock1"). Conditions the semantics does not model on single packets
// (ipsec-policy, connection-limit, values computed at run time...) evaluate to the `assume` option's
// answer and are listed on the rule.

import type { FirewallModel, PortSet, Rule, Unknown } from '../model/types';
import { parseBool, parseTimeout } from '../model/values';
import { compileMatch, type Need } from '../semantics/match';
import { type ActionKind, actionOf } from '../semantics/pipeline';
import { type MatchEnv, type Point, spaceOf } from '../semantics/space';

/** A packet as the compiled conditions see it: the semantics' Point (fields precomputed once per packet). */
export type PacketCtx = Point;
export type { MatchEnv };

export interface Cond {
  label: string;
  test: (p: PacketCtx) => boolean;
}

export interface CompiledRule {
  rule: Rule;
  conds: Cond[];
  /** All conditions hold. */
  test: (p: PacketCtx) => boolean;
  /** Conditions not modelled (their value came from `assume`). */
  assumed?: string[];
  action: string;
  /** What the action does (semantics/pipeline.ts). */
  kind: ActionKind;
  jumpTarget?: string;
  list?: string;
  /** Seconds; Infinity for no timeout. */
  timeout: number;
  /** `passthrough=no` on a mangle marking action: ends the table for this packet. */
  stops: boolean;
  logged: boolean;
  newMark?: { kind: 'packet' | 'connection' | 'routing'; value: string };
  /** Destination-port sets its conditions test (dst-port=, port=): scans group ports by them. */
  portSets: PortSet[];
  /** Address lists its conditions read: [list, true] for src-address-list=, [list, false] for dst-. */
  listsRead: Array<[string, boolean]>;
  /** Conditions with state of their own (psd, limit): its answer depends on earlier packets. */
  stateful: boolean;
  /** The protocol / destination ports `test` requires (semantics/match.ts `Need`): the rule index reads it. */
  need: Need;
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

/** `limit=10/1m,5` / `limit=50,5:packet` -> tokens per second and burst. */
function parseLimit(text: string): { rate: number; burst: number } | undefined {
  const m = /^\s*(\d+)(?:\/([\w.]+))?(?:\s*,\s*(\d+))?(?::\w+)?\s*$/.exec(text);
  if (!m) return undefined;
  const count = Number(m[1]);
  let per = 1;
  if (m[2] !== undefined) {
    const t = m[2] === 's' || m[2] === 'm' || m[2] === 'h' || m[2] === 'd' ? parseTimeout(`1${m[2]}`) : parseTimeout(m[2]);
    if (typeof t !== 'number' || t <= 0) return undefined;
    per = t;
  }
  return { rate: count / per, burst: m[3] !== undefined ? Math.max(1, Number(m[3])) : 5 };
}

/** `psd=21,3s,3,1`: weight threshold, delay threshold, low-port weight, high-port weight. */
function parsePsd(text: string): { threshold: number; delay: number; low: number; high: number } | undefined {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4) return undefined;
  const delay = parseTimeout(parts[1]);
  const [threshold, low, high] = [parts[0], parts[2], parts[3]].map(Number);
  if (typeof delay !== 'number' || ![threshold, low, high].every((n) => Number.isFinite(n))) return undefined;
  return { threshold, delay, low, high };
}

/** The counters behind psd= and limit= on single packets (state kept in the closure). */
function statefulTest(name: 'psd' | 'limit', raw: string): ((p: PacketCtx) => boolean) | undefined {
  if (name === 'limit') {
    const l = parseLimit(raw);
    if (!l) return undefined;
    let tokens = l.burst;
    let last = -Infinity;
    return (p) => {
      if (last !== -Infinity) tokens = Math.min(l.burst, tokens + (p.time - last) * l.rate);
      last = p.time;
      if (tokens >= 1) {
        tokens -= 1;
        return true;
      }
      return false;
    };
  }
  const d = parsePsd(raw);
  if (!d) return undefined;
  const per = new Map<string, { weight: number; last: number; port: number }>();
  return (p) => {
    if ((p.proto !== 'tcp' && p.proto !== 'udp') || p.dstPort < 0) return false;
    if (p.proto === 'tcp' && !(p.flags.has('syn') && !p.flags.has('ack'))) return false;
    let s = per.get(p.srcKey);
    if (!s) per.set(p.srcKey, (s = { weight: 0, last: -Infinity, port: -1 }));
    if (p.time - s.last > d.delay) s.weight = 0;
    if (s.port !== p.dstPort) s.weight += p.dstPort < 1024 ? d.low : d.high;
    s.last = p.time;
    s.port = p.dstPort;
    return s.weight >= d.threshold;
  };
}

/** A model holding just `rule`, for callers that compile a rule without its model. */
function soloModel(rule: Rule): FirewallModel {
  return {
    tables: new Map([[`${rule.family} ${rule.table}`, { family: rule.family, name: rule.table, rules: [rule] }]]),
    addressLists: new Map(),
    interfaceLists: new Map(),
    layer7: new Map(),
    unresolved: [],
  };
}

/**
 * Compiles `rule` (its conditions through semantics/match). `assume` answers conditions that are not
 * modelled; `env` gives the model's layer7 patterns (address lists are read through the packet
 * context at run time). A rule with a stateful matcher (psd, limit) keeps its state in the closure:
 * compile it per simulator (`compileShared` does). `model` is the rule's model (its space: interface
 * atoms, protocols); without it the rule is compiled in a space of its own.
 */
export function compileRule(rule: Rule, env: MatchEnv, assume: (rule: Rule, cond: string) => boolean, model?: FirewallModel): CompiledRule {
  const space = spaceOf(model ?? soloModel(rule), rule.family);
  const cm = compileMatch(space, rule.match, rule, {
    assume: (_r, label) => assume(rule, label),
    layer7: (name) => env.layer7(name),
    stateful: statefulTest,
  });
  const conds: Cond[] = cm.lits.map((l) => ({ label: l.label, test: l.test }));
  const act = actionOf(rule);
  const m = rule.match;
  return {
    rule,
    conds,
    test: cm.test,
    assumed: cm.assumed.length > 0 ? [...cm.assumed] : undefined,
    action: rule.action,
    kind: act.kind,
    jumpTarget: rule.jumpTarget,
    list: rule.addressList,
    timeout: act.timeout,
    stops: act.stops,
    logged: rule.action === 'log' || parseBool(rule.props.log) === true,
    newMark: act.mark,
    portSets: [m.dstPort, m.anyPort].flatMap((n) => (n && !isUnknown(n.value) ? [n.value as PortSet] : [])),
    listsRead: ([[m.srcAddressList, true], [m.dstAddressList, false]] as const).flatMap(([n, src]) =>
      n && !isUnknown(n.value) ? [[n.value as string, src] as [string, boolean]] : [],
    ),
    stateful: cm.stateful,
    need: cm.need,
  };
}

interface SharedRule {
  /** Labels of the conditions `assume` answers, in the order compileRule asks. */
  labels: string[];
  /** Compiled forms by the answers ("0"/"1" per label). */
  variants: Map<string, CompiledRule>;
}

/** null: the rule has a stateful matcher and is compiled afresh each time. */
const shared = new WeakMap<Rule, SharedRule | null>();

/**
 * `compileRule`, shared between simulators of the same model: a stateless compiled rule depends only on
 * the rule (the model's layer7 patterns included) and the answers of `assume`. Rules with psd or limit
 * are compiled afresh (their closures count packets).
 */
export function compileShared(rule: Rule, env: MatchEnv, assume: (rule: Rule, cond: string) => boolean, model?: FirewallModel): CompiledRule {
  const sr = shared.get(rule);
  if (sr === null) return compileRule(rule, env, assume, model);
  if (sr === undefined) {
    const labels: string[] = [];
    let key = '';
    const cr = compileRule(rule, env, (r, label) => {
      const v = assume(r, label);
      labels.push(label);
      key += v ? '1' : '0';
      return v;
    }, model);
    shared.set(rule, cr.stateful ? null : { labels, variants: new Map([[key, cr]]) });
    return cr;
  }
  let key = '';
  for (const label of sr.labels) key += assume(rule, label) ? '1' : '0';
  let cr = sr.variants.get(key);
  if (!cr) sr.variants.set(key, (cr = compileRule(rule, env, assume, model)));
  return cr;
}
