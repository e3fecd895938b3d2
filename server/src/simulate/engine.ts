// The packet simulator: evaluates packets through the firewall a script builds, rule by rule, the way
// RouterOS does, and returns what happened to each one.
//
// Packet flow per hook (only tables the script touches): input = raw prerouting -> mangle prerouting ->
// mangle input -> filter input; forward = raw prerouting -> mangle prerouting -> mangle forward -> filter
// forward; output = raw output -> mangle output -> filter output. nat is not simulated.
//
// Within a chain: disabled rules are skipped; accept ends the table (the packet goes on to the next
// table), drop/reject/tarpit end the packet; jump enters the target chain and comes back when it ends or
// meets `return`; `return` in a built-in chain, or its end, is the implicit accept. add-src/dst-to-
// address-list, log, passthrough and marking actions go on to the next rule (`passthrough=no` on a
// marking action ends the table). Address-list entries carry their timeout on a virtual clock (the
// packets' `time`); re-adding an address refreshes its timeout (option `refreshOnReAdd`).
//
// `send` returns a full trace; `sendFast` only the verdict (no allocations beyond the packet context),
// for scans of every port. Rules are compiled to closures once per simulator.

import type { AddressListEntry, Family, FirewallModel, Rule, TableName } from '../model/types';
import { normalizeProtocol, parseAddress } from '../model/values';
import { compileRule, type CompiledRule, type MatchEnv, type PacketCtx } from './compile';
import type { Hook, ListChange, PacketTrace, SimOptions, SimPacket, TraceStep, Verdict } from './types';

const END = 0;
const ACCEPT = 1;
const DROP = 2;
const REJECT = 3;
const TARPIT = 4;
const RETURN = 5;
const VERDICTS: Verdict[] = ['accept', 'accept', 'drop', 'reject', 'tarpit', 'accept'];

const MAX_JUMP_DEPTH = 16;

const FLOW: Record<Hook, Array<[TableName, string]>> = {
  input: [['raw', 'prerouting'], ['mangle', 'prerouting'], ['mangle', 'input'], ['filter', 'input']],
  forward: [['raw', 'prerouting'], ['mangle', 'prerouting'], ['mangle', 'forward'], ['filter', 'forward']],
  output: [['raw', 'output'], ['mangle', 'output'], ['filter', 'output']],
};

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'udp-lite', 'sctp', 'dccp']);

interface Entry {
  address: string;
  expires: number;
  rule?: Rule;
}

interface StaticEntry {
  lo: bigint;
  hi: bigint;
  expires: number;
}

interface Addr {
  key: string;
  value: bigint | undefined;
}

/** Default destination: the router's (documentation) address. */
export function defaultDst(family: Family): string {
  return family === 'ipv6' ? '2001:db8::1' : '203.0.113.1';
}

export class Simulator {
  readonly family: Family;
  private readonly tables: Map<TableName, Map<string, CompiledRule[]>> = new Map();
  private readonly lists = new Map<string, Map<string, Entry>>();
  private readonly statics = new Map<string, StaticEntry[]>();
  private readonly l7 = new Map<string, RegExp | undefined>();
  private readonly addrCache = new Map<string, Addr>();
  private readonly ifaceCache = new Map<string, Set<string>>();
  private readonly flow: Record<Hook, Array<[Map<string, CompiledRule[]>, string, TableName]>>;
  private readonly refresh: boolean;
  private readonly onAdd: SimOptions['onAdd'];
  private packets = 0;
  /** Number of list additions so far (the scan fast path watches it). */
  private adds = 0;
  private lastRule: Rule | undefined;
  /** Changes made by the packet being traced (null in fast mode). */
  private changes: ListChange[] | null = null;
  /** List additions of the packet being evaluated, for the scan memo (null otherwise). */
  private recording: Array<{ cr: CompiledRule; src: boolean }> | null = null;

  constructor(
    readonly model: FirewallModel,
    options: SimOptions = {},
  ) {
    this.family = options.family ?? 'ip';
    this.refresh = options.refreshOnReAdd ?? true;
    this.onAdd = options.onAdd;
    const assume = options.assume ?? (() => false);
    const enable = options.enable;
    const disable = options.disable;
    const env: MatchEnv = {
      inList: (list, key, value, time) => this.member(list, key, value, time),
      layer7: (name) => this.layer7(name),
    };
    const wanted = new Set<TableName>(options.tables ?? ['raw', 'mangle', 'filter']);
    for (const t of model.tables.values()) {
      if (t.family !== this.family || !wanted.has(t.name)) continue;
      const chains = new Map<string, CompiledRule[]>();
      for (const r of t.rules) {
        const on = enable?.has(r) || (!r.disabled && !disable?.has(r));
        if (!on) continue;
        let list = chains.get(r.chain);
        if (!list) chains.set(r.chain, (list = []));
        list.push(compileRule(r, env, assume));
      }
      this.tables.set(t.name, chains);
    }
    const flow = {} as Record<Hook, Array<[Map<string, CompiledRule[]>, string, TableName]>>;
    for (const hook of Object.keys(FLOW) as Hook[]) {
      flow[hook] = [];
      for (const [table, chain] of FLOW[hook]) {
        const chains = this.tables.get(table);
        if (chains && chains.has(chain)) flow[hook].push([chains, chain, table]);
      }
    }
    this.flow = flow;
    for (const l of model.addressLists.values()) {
      if (l.family !== this.family) continue;
      for (const e of l.entries) this.addStatic(e);
    }
  }

  private addStatic(e: AddressListEntry): void {
    if (e.disabled) return;
    const r = parseAddress(e.address);
    if (!r) return; // a DNS name: resolved by the router, unknown here
    const expires = typeof e.timeout === 'number' ? e.timeout : Infinity;
    let list = this.statics.get(e.list);
    if (!list) this.statics.set(e.list, (list = []));
    list.push({ lo: r.lo, hi: r.hi, expires });
  }

  private layer7(name: string): RegExp | undefined {
    if (this.l7.has(name)) return this.l7.get(name);
    const def = this.model.layer7.get(name);
    let re: RegExp | undefined;
    if (def?.regexp !== undefined) {
      try {
        re = new RegExp(def.regexp);
      } catch {
        re = undefined;
      }
    }
    this.l7.set(name, re);
    return re;
  }

  private addr(text: string): Addr {
    let a = this.addrCache.get(text);
    if (!a) {
      const r = parseAddress(text);
      a = r && r.lo === r.hi ? { key: `${r.v6 ? '6' : '4'}:${r.lo.toString(16)}`, value: r.lo } : { key: text, value: undefined };
      this.addrCache.set(text, a);
    }
    return a;
  }

  private member(list: string, key: string, value: bigint | undefined, time: number): boolean {
    const dyn = this.lists.get(list);
    if (dyn !== undefined) {
      const e = dyn.get(key);
      if (e !== undefined) {
        if (e.expires > time) return true;
        dyn.delete(key);
        this.changes?.push({ op: 'expire', list, address: e.address, expires: e.expires, rule: e.rule });
      }
    }
    const st = this.statics.get(list);
    if (st !== undefined && value !== undefined) {
      for (const s of st) if (value >= s.lo && value <= s.hi && s.expires > time) return true;
    }
    return false;
  }

  /** Is `address` in `list` at `time` (dynamic entries the packets added, or the file's static entries)? */
  inList(list: string, address: string, time: number): boolean {
    const a = this.addr(address);
    return this.member(list, a.key, a.value, time);
  }

  /** The dynamic entries present at `time` (after the packets sent so far). */
  entries(time: number): Array<{ list: string; address: string; expires: number }> {
    const out: Array<{ list: string; address: string; expires: number }> = [];
    for (const [list, m] of this.lists) for (const e of m.values()) if (e.expires > time) out.push({ list, address: e.address, expires: e.expires });
    return out;
  }

  /** When the membership `member` found ends (the latest expiry among the entries holding it). */
  private expiryOf(list: string, key: string, value: bigint | undefined, time: number): number {
    let until = -Infinity;
    const e = this.lists.get(list)?.get(key);
    if (e !== undefined && e.expires > time) until = e.expires;
    const st = this.statics.get(list);
    if (st !== undefined && value !== undefined) {
      for (const s of st) if (value >= s.lo && value <= s.hi && s.expires > time) until = Math.max(until, s.expires);
    }
    return until;
  }

  private add(list: string, address: string, key: string, time: number, timeout: number, rule: Rule, index: number): void {
    this.adds++;
    let m = this.lists.get(list);
    if (!m) this.lists.set(list, (m = new Map()));
    const e = m.get(key);
    const expires = time + timeout;
    if (e !== undefined && e.expires > time) {
      if (this.refresh && expires > e.expires) {
        e.expires = expires;
        e.rule = rule;
        this.changes?.push({ op: 'refresh', list, address, expires, rule });
      }
    } else {
      m.set(key, { address, expires, rule });
      this.changes?.push({ op: 'add', list, address, expires, rule });
    }
    this.onAdd?.(list, address, time, rule, index);
  }

  private interfaceLists(iface: string | undefined, extra: readonly string[] | undefined): Set<string> {
    const k = `${iface ?? ''}|${extra?.join(',') ?? ''}`;
    let s = this.ifaceCache.get(k);
    if (s) return s;
    s = new Set<string>(extra ?? []);
    s.add('all');
    const lists = [...this.model.interfaceLists.values()];
    if (iface !== undefined) for (const l of lists) if (l.members.includes(iface)) s.add(l.name);
    for (let changed = true; changed; ) {
      changed = false;
      for (const l of lists) {
        if (!s.has(l.name) && l.include.some((i) => s!.has(i))) {
          s.add(l.name);
          changed = true;
        }
      }
    }
    for (const l of lists) if (s.has(l.name) && l.name !== 'all' && l.exclude.some((x) => x !== l.name && s!.has(x))) s.delete(l.name);
    this.ifaceCache.set(k, s);
    return s;
  }

  /** The context the compiled conditions read, computed once per packet. */
  context(p: SimPacket): PacketCtx {
    const proto = normalizeProtocol(p.protocol);
    const hasPorts = PORT_PROTOCOLS.has(proto);
    const state = p.state ?? 'new';
    const src = this.addr(p.src);
    const dstText = p.dst ?? defaultDst(this.family);
    const dst = this.addr(dstText);
    const flags = proto === 'tcp' ? new Set(p.tcpFlags ?? (state === 'new' ? ['syn'] : ['ack'])) : EMPTY;
    let size = p.size;
    if (size === undefined) {
      const ip = this.family === 'ipv6' ? 40 : 20;
      const l4 = proto === 'tcp' ? (flags.has('syn') ? 40 : 20) : proto === 'udp' || proto.startsWith('icmp') ? 8 : 0;
      size = ip + l4 + (p.payload ? Buffer.byteLength(p.payload) : 0);
    }
    return {
      index: this.packets,
      time: p.time,
      hook: p.hook ?? 'input',
      proto,
      srcPort: hasPorts ? p.srcPort ?? 40000 : -1,
      dstPort: hasPorts ? p.dstPort ?? -1 : -1,
      srcKey: src.key,
      srcVal: src.value,
      dstKey: dst.key,
      dstVal: dst.value,
      inIface: p.inInterface,
      inLists: this.interfaceLists(p.inInterface, p.inInterfaceLists),
      outIface: p.outInterface,
      outLists: p.outInterface !== undefined || p.outInterfaceLists ? this.interfaceLists(p.outInterface, p.outInterfaceLists) : EMPTY,
      state,
      flags,
      size,
      payload: p.payload,
      icmpType: p.icmp?.type ?? (proto.startsWith('icmp') ? 8 : -1),
      icmpCode: p.icmp?.code ?? 0,
      srcMac: p.srcMac,
      marks: {},
    };
  }

  /** Drops entries that expired by `time`, returning them (trace mode). */
  private sweep(time: number): ListChange[] {
    const out: ListChange[] = [];
    for (const [list, m] of this.lists) {
      for (const [k, e] of m) {
        if (e.expires <= time) {
          m.delete(k);
          out.push({ op: 'expire', list, address: e.address, expires: e.expires, rule: e.rule });
        }
      }
    }
    return out;
  }

  /** Evaluates one packet and returns its full trace. */
  send(packet: SimPacket): PacketTrace {
    const expired = this.sweep(packet.time);
    const ctx = this.context(packet);
    const steps: TraceStep[] = [];
    const changes: ListChange[] = [];
    this.changes = changes;
    let code: number;
    try {
      code = this.evaluate(ctx, packet, steps);
    } finally {
      this.changes = null;
    }
    return {
      index: this.packets++,
      packet,
      matched: steps,
      verdict: VERDICTS[code],
      verdictRule: code === ACCEPT || code === DROP || code === REJECT || code === TARPIT ? this.lastRule : undefined,
      changes: changes.filter((c) => c.op !== 'expire'),
      expired: [...expired, ...changes.filter((c) => c.op === 'expire')],
    };
  }

  /** Evaluates one packet without a trace: its verdict only. */
  sendFast(packet: SimPacket): Verdict {
    const ctx = this.context(packet);
    const code = this.evaluate(ctx, packet, null);
    this.packets++;
    return VERDICTS[code];
  }

  /**
   * Sends one packet per port of `ports` (in that order) and protocol of `protocols`, `1 / rate` s apart
   * starting at `template.time`, until `stop()` says so. Returns the number of packets sent.
   *
   * Fast path: when no enabled rule has a stateful condition (psd, limit), a packet's fate depends only
   * on its destination-port class (ports no rule tells apart), its protocol, and which address lists
   * hold its source and destination at that moment; outcomes are memoized on that key and replayed
   * (verdict and list additions), so a scan costs a few map lookups per packet.
   */
  scan(template: SimPacket, protocols: readonly string[], ports: ArrayLike<number>, rate: number, stop: () => boolean): number {
    const ctxs = protocols.map((protocol) => this.context({ ...template, protocol, dstPort: 1 }));
    const packets = protocols.map((protocol) => ({ ...template, protocol }));
    const all: CompiledRule[] = [];
    for (const chains of this.tables.values()) for (const rules of chains.values()) all.push(...rules);
    const reads = all.flatMap((cr) => cr.listsRead);
    const uniq = [...new Map(reads.map((r) => [`${r[1] ? 's' : 'd'} ${r[0]}`, r])).values()];
    // a stateful rule (psd, limit) that cannot match these protocols does not spoil the memo
    const protoSet = new Set(protocols.map(normalizeProtocol));
    const canMatch = (c: CompiledRule) => {
      const p = c.rule.match.protocol;
      if (!p || typeof p.value !== 'string') return true;
      return p.negated ? !protoSet.has(normalizeProtocol(p.value)) || protoSet.size > 1 : protoSet.has(normalizeProtocol(p.value));
    };
    const memo = !all.some((c) => c.stateful && canMatch(c)) && uniq.length <= 24;
    // port classes: ports between consecutive boundaries of every port set behave alike
    let classOf: Int32Array | undefined;
    let classes = 1;
    if (memo) {
      const bounds = new Set<number>([0]);
      for (const cr of all) for (const set of cr.portSets) for (const [a, b] of set) {
        bounds.add(Math.max(0, a));
        bounds.add(Math.min(65536, b + 1));
      }
      const sorted = [...bounds].sort((x, y) => x - y);
      classOf = new Int32Array(65536);
      let cls = -1;
      let bi = 0;
      for (let port = 0; port < 65536; port++) {
        if (bi < sorted.length && sorted[bi] === port) {
          cls++;
          bi++;
        }
        classOf[port] = cls;
      }
      classes = cls + 1;
    }
    const stride = classes * protocols.length;
    interface Outcome {
      verdict: number;
      adds: Array<{ cr: CompiledRule; src: boolean }>;
    }
    const cache = new Map<number, Outcome>();
    const t0 = template.time;
    let sent = 0;
    let mask = 0;
    let validUntil = -Infinity;
    let addsSeen = -1;
    const np = protocols.length;
    for (let i = 0; i < ports.length; i++) {
      const port = ports[i];
      for (let k = 0; k < np; k++) {
        if (stop()) return sent;
        const ctx = ctxs[k];
        const time = t0 + sent / rate;
        ctx.time = time;
        ctx.dstPort = port;
        ctx.index = this.packets++;
        ctx.state = template.state ?? 'new';
        ctx.marks = {};
        sent++;
        if (!memo) {
          this.evaluate(ctx, packets[k], null);
          continue;
        }
        if (this.adds !== addsSeen || time >= validUntil) {
          // list membership changed (an addition) or some entry may have expired: recompute
          addsSeen = this.adds;
          mask = 0;
          validUntil = Infinity;
          for (let b = 0; b < uniq.length; b++) {
            const [list, src] = uniq[b];
            const key = src ? ctx.srcKey : ctx.dstKey;
            if (this.member(list, key, src ? ctx.srcVal : ctx.dstVal, time)) {
              mask |= 1 << b;
              validUntil = Math.min(validUntil, this.expiryOf(list, key, src ? ctx.srcVal : ctx.dstVal, time));
            }
          }
        }
        const key = mask * stride + classOf![port] * np + k;
        const hit = cache.get(key);
        if (hit !== undefined) {
          for (const a of hit.adds) {
            if (a.src) this.add(a.cr.list!, template.src, ctx.srcKey, time, a.cr.timeout, a.cr.rule, ctx.index);
            else this.add(a.cr.list!, template.dst ?? defaultDst(this.family), ctx.dstKey, time, a.cr.timeout, a.cr.rule, ctx.index);
          }
          continue;
        }
        const adds: Outcome['adds'] = [];
        this.recording = adds;
        try {
          cache.set(key, { verdict: this.evaluate(ctx, packets[k], null), adds });
        } finally {
          this.recording = null;
        }
      }
    }
    return sent;
  }

  /** The rule that decided the last packet (undefined: the implicit accept). */
  get decidedBy(): Rule | undefined {
    return this.lastRule;
  }

  private evaluate(ctx: PacketCtx, packet: SimPacket, steps: TraceStep[] | null): number {
    this.lastRule = undefined;
    for (const [chains, chain, table] of this.flow[ctx.hook]) {
      const r = this.runChain(chains, table, chain, ctx, packet, steps, 0);
      if (r === DROP || r === REJECT || r === TARPIT) return r;
      if (r !== ACCEPT) this.lastRule = undefined; // end of the built-in chain: implicit accept
    }
    return ACCEPT;
  }

  private runChain(
    chains: Map<string, CompiledRule[]>,
    table: TableName,
    chain: string,
    ctx: PacketCtx,
    packet: SimPacket,
    steps: TraceStep[] | null,
    depth: number,
  ): number {
    const rules = chains.get(chain);
    if (rules === undefined) return END;
    for (let i = 0; i < rules.length; i++) {
      const cr = rules[i];
      if (!cr.test(ctx)) continue;
      let step: TraceStep | undefined;
      if (steps !== null) {
        step = { rule: cr.rule, table, chain, action: cr.action };
        if (cr.assumed) step.assumed = cr.assumed;
        if (cr.logged) step.logged = true;
        steps.push(step);
      }
      switch (cr.action) {
        case 'accept':
          this.lastRule = cr.rule;
          return ACCEPT;
        case 'drop':
          this.lastRule = cr.rule;
          return DROP;
        case 'reject':
          this.lastRule = cr.rule;
          return REJECT;
        case 'tarpit':
          this.lastRule = cr.rule;
          return TARPIT;
        case 'return':
          return RETURN;
        case 'jump': {
          if (cr.jumpTarget === undefined) {
            if (step) step.note = 'no jump-target';
            continue;
          }
          if (depth >= MAX_JUMP_DEPTH) {
            if (step) step.note = `jump not taken: more than ${MAX_JUMP_DEPTH} nested jumps (a jump loop?)`;
            continue;
          }
          const r = this.runChain(chains, table, cr.jumpTarget, ctx, packet, steps, depth + 1);
          if (r === END || r === RETURN) continue;
          return r;
        }
        case 'add-src-to-address-list':
          if (cr.list !== undefined) {
            this.add(cr.list, packet.src, ctx.srcKey, ctx.time, cr.timeout, cr.rule, ctx.index);
            this.recording?.push({ cr, src: true });
          }
          continue;
        case 'add-dst-to-address-list':
          if (cr.list !== undefined) {
            this.add(cr.list, packet.dst ?? defaultDst(this.family), ctx.dstKey, ctx.time, cr.timeout, cr.rule, ctx.index);
            this.recording?.push({ cr, src: false });
          }
          continue;
        case 'notrack':
          ctx.state = 'untracked';
          continue;
        case 'log':
        case 'passthrough':
        case 'fasttrack-connection':
          continue;
        default:
          if (cr.newMark) ctx.marks[cr.newMark.kind] = cr.newMark.value;
          if (cr.stops) {
            this.lastRule = cr.rule;
            return ACCEPT;
          }
          if (step && !cr.newMark) step.note = `action ${cr.action} is not simulated (the packet goes on)`;
          continue;
      }
    }
    return END;
  }

  /** The compiled rules of a chain (for explanations). */
  compiled(table: TableName, chain: string): readonly CompiledRule[] {
    return this.tables.get(table)?.get(chain) ?? [];
  }

  /** The compiled form of `rule`, when it is enabled in this simulator. */
  compiledRule(rule: Rule): CompiledRule | undefined {
    return this.compiled(rule.table, rule.chain).find((c) => c.rule === rule);
  }

  /**
   * Why `rule` does not match `packet` right now: the labels of its failing conditions (stateful
   * matchers are not re-run). Empty when it matches; undefined when the rule is not enabled here.
   */
  explainMiss(rule: Rule, packet: SimPacket): string[] | undefined {
    const cr = this.compiledRule(rule);
    if (!cr) return undefined;
    const ctx = this.context(packet);
    return cr.conds.filter((c) => !/^(psd|limit)=/.test(c.label) && !c.test(ctx)).map((c) => c.label);
  }
}

const EMPTY: ReadonlySet<string> = new Set();
