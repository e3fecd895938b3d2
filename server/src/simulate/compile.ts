// Compiles a rule's match conditions once into closures over a packet context, so the simulator can
// push hundreds of thousands of packets through a table quickly (scans of every port).
//
// Every condition is a { label, test } pair: `test` decides, `label` explains a miss in traces
// ("src-address-list=knock1"). Conditions the simulator does not model (ipsec-policy, connection-limit,
// values computed at run time...) evaluate to the `assume` option's answer and are listed on the rule.

import type { Match, Neg, PortSet, Rule, Unknown } from '../model/types';
import { normalizeProtocol, parseAddress, parseTimeout, parseBool } from '../model/values';
import type { Hook } from './types';

/** A packet as the compiled conditions see it: fields precomputed once per packet. */
export interface PacketCtx {
  index: number;
  time: number;
  hook: Hook;
  proto: string;
  /** -1 when the protocol has no ports. */
  srcPort: number;
  dstPort: number;
  srcKey: string;
  srcVal: bigint | undefined;
  dstKey: string;
  dstVal: bigint | undefined;
  inIface: string | undefined;
  inLists: ReadonlySet<string>;
  outIface: string | undefined;
  outLists: ReadonlySet<string>;
  state: string;
  flags: ReadonlySet<string>;
  size: number;
  payload: string | undefined;
  icmpType: number;
  icmpCode: number;
  srcMac: string | undefined;
  marks: { packet?: string; connection?: string; routing?: string };
  /** The simulator's address lists (read by src/dst-address-list=; compiled rules are shared between simulators). */
  env: MatchEnv;
}

/** What conditions need from the simulator: address-list membership at the packet's time. */
export interface MatchEnv {
  inList(list: string, key: string, value: bigint | undefined, time: number): boolean;
  layer7(name: string): RegExp | undefined;
}

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
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

function inPorts(set: PortSet, port: number): boolean {
  for (let i = 0; i < set.length; i++) if (port >= set[i][0] && port <= set[i][1]) return true;
  return false;
}

function portsText(set: PortSet): string {
  return set.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

const neg = (n: Neg<unknown>) => (n.negated ? '!' : '');

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

function parseIcmp(text: string): { t: [number, number]; c: [number, number] } | undefined {
  const m = /^\s*(\d+)(?:-(\d+))?(?::(\d+)(?:-(\d+))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const t: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  const c: [number, number] = m[3] === undefined ? [0, 255] : [Number(m[3]), Number(m[4] ?? m[3])];
  return { t, c };
}

const MARK_ACTIONS: Record<string, 'packet' | 'connection' | 'routing'> = {
  'mark-packet': 'packet',
  'mark-connection': 'connection',
  'mark-routing': 'routing',
};

/** Mangle/raw actions that may carry `passthrough=no`. */
const PASSTHROUGH_ACTIONS = new Set([
  'mark-packet', 'mark-connection', 'mark-routing', 'change-dscp', 'change-mss', 'change-ttl',
  'change-hop-limit', 'set-priority', 'strip-ipv4-options', 'clear-df', 'sniff-tzsp', 'sniff-pc', 'route',
]);

/**
 * Compiles `rule`. `assume` answers conditions the simulator does not model; `env` gives the model's
 * layer7 patterns (address lists are read through the packet context at run time). A rule with a
 * stateful matcher (psd, limit) keeps its state in the closure: compile it per simulator
 * (`compileShared` does).
 */
export function compileRule(rule: Rule, env: MatchEnv, assume: (rule: Rule, cond: string) => boolean): CompiledRule {
  const m: Match = rule.match;
  const conds: Cond[] = [];
  const assumed: string[] = [];
  const props = rule.props;
  const dyn = new Set(rule.dynamicProps ?? []);

  const unknownCond = (label: string) => {
    const v = assume(rule, label);
    assumed.push(label);
    conds.push({ label, test: () => v });
  };
  /** Adds `test` (negated when `n.negated`), or an assumed condition when the value is unknown. */
  const add = <T>(name: string, n: Neg<T> | undefined, text: (v: T) => string, build: (v: T) => (p: PacketCtx) => boolean) => {
    if (!n) return;
    if (isUnknown(n.value)) {
      unknownCond(`${name}=${(n.value as Unknown).raw}`);
      return;
    }
    const v = n.value as T;
    const t = build(v);
    conds.push({ label: `${name}=${neg(n)}${text(v)}`, test: n.negated ? (p) => !t(p) : t });
  };
  const id = (s: string) => s;

  add('protocol', m.protocol, id, (v) => {
    const want = normalizeProtocol(v);
    return (p) => p.proto === want;
  });
  add('src-port', m.srcPort, portsText, (v) => (p) => p.srcPort >= 0 && inPorts(v, p.srcPort));
  add('dst-port', m.dstPort, portsText, (v) => (p) => p.dstPort >= 0 && inPorts(v, p.dstPort));
  add('port', m.anyPort, portsText, (v) => (p) => (p.dstPort >= 0 && inPorts(v, p.dstPort)) || (p.srcPort >= 0 && inPorts(v, p.srcPort)));
  for (const [name, n, key] of [
    ['src-address', m.srcAddress, 'srcVal'],
    ['dst-address', m.dstAddress, 'dstVal'],
  ] as const) {
    if (n && !isUnknown(n.value) && !parseAddress(n.value as string)) {
      unknownCond(`${name}=${neg(n)}${n.value as string}`);
      continue;
    }
    add(name, n, id, (v) => {
      const r = parseAddress(v)!;
      return (p) => {
        const x = p[key];
        return x !== undefined && x >= r.lo && x <= r.hi;
      };
    });
  }
  add('src-address-list', m.srcAddressList, id, (v) => (p) => p.env.inList(v, p.srcKey, p.srcVal, p.time));
  add('dst-address-list', m.dstAddressList, id, (v) => (p) => p.env.inList(v, p.dstKey, p.dstVal, p.time));
  add('in-interface', m.inInterface, id, (v) => (p) => p.inIface === v);
  add('out-interface', m.outInterface, id, (v) => (p) => p.outIface === v);
  add('in-interface-list', m.inInterfaceList, id, (v) => (p) => p.inLists.has(v));
  add('out-interface-list', m.outInterfaceList, id, (v) => (p) => p.outLists.has(v));
  add('connection-state', m.connectionState, (v) => v.join(','), (v) => {
    const set = new Set(v.map((s) => s.toLowerCase()));
    return (p) => set.has(p.state);
  });
  // the simulator does not NAT: no packet has a nat state
  add('connection-nat-state', m.connectionNatState, (v) => v.join(','), () => () => false);
  if (m.tcpFlags) {
    if (isUnknown(m.tcpFlags.value)) unknownCond(`tcp-flags=${m.tcpFlags.value.raw}`);
    else {
      const flags = m.tcpFlags.value.map((f) => f.toLowerCase());
      const on = flags.filter((f) => !f.startsWith('!'));
      const off = flags.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
      conds.push({
        label: `tcp-flags=${flags.join(',')}`,
        test: (p) => p.proto === 'tcp' && on.every((f) => p.flags.has(f)) && !off.some((f) => p.flags.has(f)),
      });
    }
  }
  add('packet-size', m.packetSize, ([a, b]) => (a === b ? `${a}` : `${a}-${b}`), ([lo, hi]) => (p) => p.size >= lo && p.size <= hi);
  if (m.layer7Protocol && !isUnknown(m.layer7Protocol.value) && !env.layer7(m.layer7Protocol.value as string)) {
    unknownCond(`layer7-protocol=${neg(m.layer7Protocol)}${m.layer7Protocol.value as string}`);
  } else {
    add('layer7-protocol', m.layer7Protocol, id, (v) => {
      const re = env.layer7(v)!;
      return (p) => p.payload !== undefined && p.payload !== '' && re.test(p.payload);
    });
  }
  add('src-mac-address', m.srcMacAddress, id, (v) => (p) => p.srcMac !== undefined && p.srcMac.toUpperCase() === v.toUpperCase());
  if (m.icmpOptions && !isUnknown(m.icmpOptions.value) && !parseIcmp(m.icmpOptions.value as string)) {
    unknownCond(`icmp-options=${m.icmpOptions.value as string}`);
  } else {
    add('icmp-options', m.icmpOptions, id, (v) => {
      const o = parseIcmp(v)!;
      return (p) => p.icmpType >= o.t[0] && p.icmpType <= o.t[1] && p.icmpCode >= o.c[0] && p.icmpCode <= o.c[1];
    });
  }
  for (const [name, raw] of Object.entries(m.other)) {
    const negated = raw.startsWith('!');
    const v = raw.replace(/^!/, '').trim();
    let t: ((p: PacketCtx) => boolean) | undefined;
    if (!dyn.has(name)) {
      switch (name) {
        case 'content':
          t = (p) => p.payload !== undefined && p.payload.includes(v);
          break;
        case 'dst-address-type':
        case 'src-address-type': {
          const types = v.split(',').map((s) => s.trim());
          if (types.every((x) => ['unicast', 'local', 'broadcast', 'multicast'].includes(x))) {
            const src = name === 'src-address-type';
            // the simulated packets are unicast; the destination is the router itself on input
            t = (p) => types.includes('unicast') || (!src && p.hook === 'input' && types.includes('local'));
          }
          break;
        }
        case 'fragment': {
          const b = parseBool(v);
          if (b !== undefined) t = () => b === false;
          break;
        }
        case 'packet-mark':
        case 'connection-mark':
        case 'routing-mark': {
          const kind = name.slice(0, name.indexOf('-')) as 'packet' | 'connection' | 'routing';
          t = (p) => (p.marks[kind] ?? 'no-mark') === v;
          break;
        }
      }
    }
    if (t) conds.push({ label: `${name}=${raw}`, test: negated ? ((f) => (p: PacketCtx) => !f(p))(t) : t });
    else unknownCond(`${name}=${raw}`);
  }
  for (const [name, raw] of [
    ['connection-limit', m.connectionLimit],
    ['dst-limit', m.dstLimit],
  ] as const) {
    if (raw !== undefined) unknownCond(`${name}=${raw}`);
  }
  // Stateful matchers last: they only count packets that pass the other conditions.
  if (m.limit !== undefined) {
    const l = dyn.has('limit') ? undefined : parseLimit(m.limit);
    if (!l) unknownCond(`limit=${m.limit}`);
    else {
      let tokens = l.burst;
      let last = -Infinity;
      conds.push({
        label: `limit=${m.limit}`,
        test: (p) => {
          if (last !== -Infinity) tokens = Math.min(l.burst, tokens + (p.time - last) * l.rate);
          last = p.time;
          if (tokens >= 1) {
            tokens -= 1;
            return true;
          }
          return false;
        },
      });
    }
  }
  if (m.psd !== undefined) {
    const d = dyn.has('psd') ? undefined : parsePsd(m.psd);
    if (!d) unknownCond(`psd=${m.psd}`);
    else {
      const per = new Map<string, { weight: number; last: number; port: number }>();
      conds.push({
        label: `psd=${m.psd}`,
        test: (p) => {
          if ((p.proto !== 'tcp' && p.proto !== 'udp') || p.dstPort < 0) return false;
          if (p.proto === 'tcp' && !(p.flags.has('syn') && !p.flags.has('ack'))) return false;
          let s = per.get(p.srcKey);
          if (!s) per.set(p.srcKey, (s = { weight: 0, last: -Infinity, port: -1 }));
          if (p.time - s.last > d.delay) s.weight = 0;
          if (s.port !== p.dstPort) s.weight += p.dstPort < 1024 ? d.low : d.high;
          s.last = p.time;
          s.port = p.dstPort;
          return s.weight >= d.threshold;
        },
      });
    }
  }

  const n = conds.length;
  let test: (p: PacketCtx) => boolean;
  if (n === 0) test = () => true;
  else if (n === 1) test = conds[0].test;
  else if (n === 2) {
    const [a, b] = [conds[0].test, conds[1].test];
    test = (p) => a(p) && b(p);
  } else if (n === 3) {
    const [a, b, c] = [conds[0].test, conds[1].test, conds[2].test];
    test = (p) => a(p) && b(p) && c(p);
  } else {
    const fs = conds.map((c) => c.test);
    test = (p) => {
      for (let i = 0; i < fs.length; i++) if (!fs[i](p)) return false;
      return true;
    };
  }

  const action = rule.action;
  const to = rule.addressListTimeout;
  const timeout = typeof to === 'number' ? to : Infinity;
  const markKind = MARK_ACTIONS[action];
  const markValue = markKind ? props[`new-${markKind}-mark`] : undefined;
  return {
    rule,
    conds,
    test,
    assumed: assumed.length > 0 ? assumed : undefined,
    action,
    jumpTarget: rule.jumpTarget,
    list: rule.addressList,
    timeout,
    stops: PASSTHROUGH_ACTIONS.has(action) && parseBool(props.passthrough) === false,
    logged: action === 'log' || parseBool(props.log) === true,
    newMark: markKind && markValue ? { kind: markKind, value: markValue } : undefined,
    portSets: [m.dstPort, m.anyPort].flatMap((n) => (n && !isUnknown(n.value) ? [n.value as PortSet] : [])),
    listsRead: ([[m.srcAddressList, true], [m.dstAddressList, false]] as const).flatMap(([n, src]) =>
      n && !isUnknown(n.value) ? [[n.value as string, src] as [string, boolean]] : [],
    ),
    stateful: conds.some((c) => /^(psd|limit)=/.test(c.label)),
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
export function compileShared(rule: Rule, env: MatchEnv, assume: (rule: Rule, cond: string) => boolean): CompiledRule {
  const sr = shared.get(rule);
  if (sr === null) return compileRule(rule, env, assume);
  if (sr === undefined) {
    const labels: string[] = [];
    let key = '';
    const cr = compileRule(rule, env, (r, label) => {
      const v = assume(r, label);
      labels.push(label);
      key += v ? '1' : '0';
      return v;
    });
    shared.set(rule, cr.stateful ? null : { labels, variants: new Map([[key, cr]]) });
    return cr;
  }
  let key = '';
  for (const label of sr.labels) key += assume(rule, label) ? '1' : '0';
  let cr = sr.variants.get(key);
  if (!cr) sr.variants.set(key, (cr = compileRule(rule, env, assume)));
  return cr;
}
