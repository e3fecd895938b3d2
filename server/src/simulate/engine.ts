// The packet simulator: evaluates packets through the firewall a script builds, rule by rule, the way
// RouterOS does, and returns what happened to each one.
//
// The packet flow per hook and what each action does are the one semantics' (server/src/semantics/
// pipeline.ts: raw, mangle, filter; jumps, returns, notrack, list additions that take effect at once),
// and every condition is tested by semantics/match.ts literals (through compile.ts): this file only
// keeps the concrete state (address lists with timeouts on a virtual clock, the packets' `time`;
// re-adding an address refreshes its timeout, option `refreshOnReAdd`) and the traces.
//
// `send` returns a full trace; `sendFast` only the verdict (no allocations beyond the packet context),
// for scans of every port; `scan` runs a whole port scan with memoized outcomes (see there). Rules are
// compiled to closures once per model and shared by its simulators (psd/limit rules once per simulator).

import type { AddressListEntry, Family, FirewallModel, Rule, TableName } from '../model/types';
import { normalizeProtocol, parseAddress } from '../model/values';
import { FLOW, MAX_JUMP_DEPTH } from '../semantics/pipeline';
import { PORT_PROTOCOLS, type Space, spaceOf } from '../semantics/space';
import { compileShared, type CompiledRule, type MatchEnv, type PacketCtx } from './compile';
import { orderIndex, portClasses } from './portClasses';
import { INDEX_MIN_RULES, RuleIndex } from './ruleIndex';
import type { Hook, ListChange, PacketTrace, ScanOptions, SimOptions, SimPacket, TraceStep, Verdict } from './types';

const END = 0;
const ACCEPT = 1;
const DROP = 2;
const REJECT = 3;
const TARPIT = 4;
const RETURN = 5;
/** A rule's action lets the packet go on with the chain's next rule. */
const NEXT = -1;
const VERDICTS: Verdict[] = ['accept', 'accept', 'drop', 'reject', 'tarpit', 'accept'];


interface Entry {
  address: string;
  expires: number;
  rule?: Rule;
  /** Insertion order of its key in the list's map (a key overwritten in place keeps its place). */
  seq: number;
}

/** An entry's expiry as it was when pushed; stale once the entry is refreshed, replaced or gone. */
interface Due {
  expires: number;
  list: string;
  key: string;
  entry: Entry;
}

/** A binary min-heap of expiries: `send` finds what expired without walking every list. */
class ExpiryHeap {
  private readonly a: Due[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Due {
    return this.a[0];
  }
  push(d: Due): void {
    const a = this.a;
    let i = a.length;
    a.push(d);
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p].expires <= d.expires) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = d;
  }
  pop(): Due {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1].expires < a[l].expires ? l + 1 : l;
        if (a[c].expires >= last.expires) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
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
  /** The semantics' space of this model and family (interface lists are resolved by it). */
  readonly space: Space;
  private readonly tables: Map<TableName, Map<string, CompiledRule[]>> = new Map();
  /** The per-port rule index of each long chain (ruleIndex.ts), by the chain's rule array. */
  private readonly index = new Map<readonly CompiledRule[], RuleIndex>();
  private readonly lists = new Map<string, Map<string, Entry>>();
  /** Creation order of the lists (they are never removed from `lists`). */
  private readonly listRank = new Map<string, number>();
  private seq = 0;
  /** Expiries of the dynamic entries, from the first `send` on (null before: scans never sweep). */
  private expiry: ExpiryHeap | null = null;
  private readonly statics = new Map<string, StaticEntry[]>();
  private readonly l7 = new Map<string, RegExp | undefined>();
  private readonly addrCache = new Map<string, Addr>();
  private readonly ifaceCache = new Map<string, Set<string>>();
  private readonly flow: Record<Hook, Array<[Map<string, CompiledRule[]>, string, TableName]>>;
  private readonly refresh: boolean;
  private readonly plain: boolean;
  private readonly onAdd: SimOptions['onAdd'];
  private readonly env: MatchEnv;
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
    this.space = spaceOf(model, this.family);
    this.refresh = options.refreshOnReAdd ?? true;
    this.plain = options.plain ?? false;
    this.onAdd = options.onAdd;
    const assume = options.assume ?? (() => false);
    const enable = options.enable;
    const disable = options.disable;
    const env: MatchEnv = (this.env = {
      inList: (list, key, value, time) => this.member(list, key, value, time),
      layer7: (name) => this.layer7(name),
    });
    const wanted = new Set<TableName>(options.tables ?? ['raw', 'mangle', 'filter']);
    for (const t of model.tables.values()) {
      if (t.family !== this.family || !wanted.has(t.name)) continue;
      const chains = new Map<string, CompiledRule[]>();
      for (const r of t.rules) {
        const on = enable?.has(r) || (!r.disabled && !disable?.has(r));
        if (!on) continue;
        let list = chains.get(r.chain);
        if (!list) chains.set(r.chain, (list = []));
        list.push(compileShared(r, env, assume, model));
      }
      this.tables.set(t.name, chains);
      const min = Math.max(1, options.indexMinRules ?? INDEX_MIN_RULES);
      if (!options.plain) for (const list of chains.values()) if (list.length >= min) this.index.set(list, RuleIndex.of(list));
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

  /**
   * Puts `address` in `list` before the packets are sent, without timeout: an entry the router already
   * holds (added at run time, not by the script). Used to replay a packet the set analysis describes
   * as a member of a list (semantics/diff.ts witnesses).
   */
  seedList(list: string, address: string): void {
    const a = this.addr(address);
    let m = this.lists.get(list);
    if (!m) this.lists.set(list, (m = new Map()));
    const e = m.get(a.key);
    m.set(a.key, { address, expires: Infinity, seq: e !== undefined ? e.seq : this.seq++ });
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

  private add(list: string, address: string, key: string, time: number, timeout: number, rule: Rule, index: number, notify = true): void {
    this.adds++;
    let m = this.lists.get(list);
    if (!m) {
      this.lists.set(list, (m = new Map()));
      this.listRank.set(list, this.listRank.size);
    }
    const e = m.get(key);
    const expires = time + timeout;
    if (e !== undefined && e.expires > time) {
      if (this.refresh && expires > e.expires) {
        e.expires = expires;
        e.rule = rule;
        this.expiry?.push({ expires, list, key, entry: e });
        this.changes?.push({ op: 'refresh', list, address, expires, rule });
      }
    } else {
      // an expired entry still in the map is replaced in place (its key keeps its position)
      const entry: Entry = { address, expires, rule, seq: e !== undefined ? e.seq : this.seq++ };
      m.set(key, entry);
      this.expiry?.push({ expires, list, key, entry });
      this.changes?.push({ op: 'add', list, address, expires, rule });
    }
    if (notify) this.onAdd?.(list, address, time, rule, index);
  }

  private interfaceLists(iface: string | undefined, extra: readonly string[] | undefined): Set<string> {
    const k = `${iface ?? ''}|${extra?.join(',') ?? ''}`;
    let s = this.ifaceCache.get(k);
    if (!s) this.ifaceCache.set(k, (s = this.space.closure(iface, extra ?? [])));
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
    const hook = p.hook ?? 'input';
    return {
      index: this.packets,
      time: p.time,
      hook,
      proto,
      srcPort: hasPorts ? p.srcPort ?? 40000 : -1,
      dstPort: hasPorts ? p.dstPort ?? -1 : -1,
      srcKey: src.key,
      srcVal: src.value,
      dstKey: dst.key,
      dstVal: dst.value,
      inIface: p.inInterface,
      // no interface at all: in-interface in output, out-interface in input
      inLists: hook === 'output' && p.inInterface === undefined && !p.inInterfaceLists ? EMPTY : this.interfaceLists(p.inInterface, p.inInterfaceLists),
      outIface: p.outInterface,
      outLists: hook === 'input' && p.outInterface === undefined && !p.outInterfaceLists ? EMPTY : this.interfaceLists(p.outInterface, p.outInterfaceLists),
      state,
      natState: p.natState ?? NO_NAT,
      // a packet to the router is addressed to one of its own addresses (local), one through it to a
      // unicast address elsewhere; the router's own packets come from a local address
      dstType: p.dstAddressType ?? (hook === 'input' ? 'local' : 'unicast'),
      srcType: p.srcAddressType ?? (hook === 'output' ? 'local' : 'unicast'),
      flags,
      size,
      payload: p.payload,
      icmpType: p.icmp?.type ?? (proto.startsWith('icmp') ? 8 : -1),
      icmpCode: p.icmp?.code ?? 0,
      srcMac: p.srcMac,
      marks: p.connectionMark !== undefined ? { connection: p.connectionMark } : {},
      env: this.env,
    };
  }

  /**
   * Drops entries that expired by `time`, returning them (trace mode) in the order of a walk over every
   * list and entry (lists in creation order, entries in their map's order), found through the heap.
   */
  private sweep(time: number): ListChange[] {
    if (this.plain) return this.sweepAll(time);
    let heap = this.expiry;
    if (heap === null) {
      heap = this.expiry = new ExpiryHeap();
      for (const [list, m] of this.lists) for (const [key, entry] of m) heap.push({ expires: entry.expires, list, key, entry });
    }
    if (heap.size === 0 || heap.peek().expires > time) return [];
    const due: Due[] = [];
    while (heap.size > 0 && heap.peek().expires <= time) {
      const d = heap.pop();
      // refreshed (a later item holds its expiry), replaced or removed since it was pushed
      if (d.entry.expires !== d.expires || this.lists.get(d.list)!.get(d.key) !== d.entry) continue;
      due.push(d);
    }
    if (due.length > 1) due.sort((x, y) => this.listRank.get(x.list)! - this.listRank.get(y.list)! || x.entry.seq - y.entry.seq);
    return due.map(({ list, key, entry: e }) => {
      this.lists.get(list)!.delete(key);
      return { op: 'expire', list, address: e.address, expires: e.expires, rule: e.rule };
    });
  }

  /** `sweep` the plain way: every entry of every list. */
  private sweepAll(time: number): ListChange[] {
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
   * `stop()` must only change its answer through `onAdd` (the fast modes do not ask it before packets
   * they skip because those packets add nothing).
   *
   * Modes (`options.mode`):
   * - `plain`: every packet through the compiled rules.
   * - `memo` (default, used when no rule that can see these protocols has a stateful condition such as
   *   psd or limit; otherwise `plain`): a packet's fate depends only on its destination-port class (ports
   *   no rule tells apart, see portClasses.ts), its protocol, and which of the address lists the rules
   *   read hold its source and destination at that moment (the membership mask). Outcomes (the list
   *   additions) are memoized per mask and replayed. A packet whose outcome under the current mask adds
   *   nothing changes nothing: it is skipped, and so is a whole run of consecutive positions of one class
   *   whose packets all add nothing, as long as no membership can expire inside it. `onAdd` sees every
   *   addition, exactly as in `plain` mode.
   * - `compress`: `memo`, and inside a run of one class, once a port's packets leave the mask as they
   *   found it (their additions only refresh entries already there), the following ports repeat them
   *   until an entry they do not refresh expires or the run ends (with refreshes off, or a timeout
   *   shorter than the gap between ports, until an entry they add expires): the scan jumps to the last
   *   port of that stretch (the one before it is applied silently so refreshed entries carry the same expiry as
   *   when every packet is sent). `onAdd` is not called for the skipped packets; its last call for each
   *   list is the same as in `plain` mode, and the mask every packet sees is the same.
   */
  scan(template: SimPacket, protocols: readonly string[], ports: ArrayLike<number>, rate: number, stop: () => boolean, options: ScanOptions = {}): number {
    const mode = options.mode ?? 'memo';
    const np = protocols.length;
    const n = ports.length;
    if (np === 0) return 0;
    const ctxs = protocols.map((protocol) => this.context({ ...template, protocol, dstPort: 1 }));
    const packets = protocols.map((protocol) => ({ ...template, protocol }));
    const all: CompiledRule[] = [];
    for (const chains of this.tables.values()) for (const rules of chains.values()) for (const cr of rules) all.push(cr);
    // a stateful rule (psd, limit) that cannot match these protocols does not spoil the memo
    const protoSet = new Set(protocols.map(normalizeProtocol));
    const canMatch = (c: CompiledRule) => {
      const p = c.rule.match.protocol;
      if (!p || typeof p.value !== 'string') return true;
      return p.negated ? !protoSet.has(normalizeProtocol(p.value)) || protoSet.size > 1 : protoSet.has(normalizeProtocol(p.value));
    };
    const memo = mode !== 'plain' && !all.some((c) => c.stateful && canMatch(c));
    const t0 = template.time;
    const base = this.packets;
    const state = template.state ?? 'new';
    const timeOf = (s: number) => t0 + s / rate;
    const prepare = (k: number, s: number, port: number): PacketCtx => {
      const ctx = ctxs[k];
      ctx.time = timeOf(s);
      ctx.dstPort = port;
      ctx.index = base + s;
      ctx.state = state;
      ctx.marks = {};
      this.packets = base + s + 1;
      return ctx;
    };
    if (!memo) {
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < np; k++) {
          const s = i * np + k;
          if (stop()) return s;
          this.evaluate(prepare(k, s, ports[i]), packets[k], null);
        }
      }
      return n * np;
    }

    // the membership mask: one bit per (list, source or destination) some rule reads
    const reads = all.flatMap((cr) => cr.listsRead);
    const bitOf = new Map<string, number>();
    const uniq: Array<[string, boolean]> = [];
    for (const r of reads) {
      const k = `${r[1] ? 's' : 'd'} ${r[0]}`;
      if (!bitOf.has(k)) {
        bitOf.set(k, uniq.length);
        uniq.push(r);
      }
    }
    const nb = uniq.length;
    const { srcKey, srcVal, dstKey, dstVal } = ctxs[0];
    const srcText = template.src;
    const dstText = template.dst ?? defaultDst(this.family);
    const pc = portClasses(this.model);
    const oi = orderIndex(pc, ports);
    const nk = pc.count * np;
    interface Add {
      cr: CompiledRule;
      src: boolean;
      /** Mask bit of the list it fills, -1 when no rule reads that list. */
      bit: number;
    }
    interface MaskMemo {
      /** Additions of a packet of each (class, protocol) under this mask. */
      out: Array<Add[] | undefined>;
      /** 1 when that packet adds nothing. */
      inert: Uint8Array;
    }
    const memos = new Map<string, MaskMemo>();
    const bits = new Uint8Array(nb);
    let cur!: MaskMemo;
    /** The mask holds for packets before this time (some set bit may expire then). */
    let validUntil = Infinity;
    /** The first packet at or after `validUntil`. */
    let validS = Infinity;
    const firstAt = (limit: number): number => {
      if (limit === Infinity) return Infinity;
      if (limit === -Infinity) return 0;
      let s = Math.max(0, Math.ceil((limit - t0) * rate));
      while (s > 0 && timeOf(s - 1) >= limit) s--;
      while (timeOf(s) < limit) s++;
      return s;
    };
    const select = () => {
      let key = '';
      for (let b = 0; b < nb; b++) key += bits[b] === 1 ? '1' : '0';
      let m = memos.get(key);
      if (!m) memos.set(key, (m = { out: new Array(nk), inert: new Uint8Array(nk) }));
      cur = m;
    };
    const memberBit = (b: number, time: number): boolean => {
      const [list, src] = uniq[b];
      return this.member(list, src ? srcKey : dstKey, src ? srcVal : dstVal, time);
    };
    const expiryBit = (b: number, time: number): number => {
      const [list, src] = uniq[b];
      return this.expiryOf(list, src ? srcKey : dstKey, src ? srcVal : dstVal, time);
    };
    const recompute = (time: number) => {
      validUntil = Infinity;
      for (let b = 0; b < nb; b++) {
        if (memberBit(b, time)) {
          bits[b] = 1;
          validUntil = Math.min(validUntil, expiryBit(b, time));
        } else bits[b] = 0;
      }
      validS = firstAt(validUntil);
      select();
    };
    /** After additions at `time`: bits they set (a refresh only moves an expiry later: validUntil stays safe). */
    const noteAdds = (adds: Add[], time: number) => {
      let changed = false;
      for (const a of adds) {
        if (a.bit < 0 || bits[a.bit] === 1) continue;
        if (memberBit(a.bit, time)) {
          bits[a.bit] = 1;
          validUntil = Math.min(validUntil, expiryBit(a.bit, time));
          changed = true;
        }
      }
      if (changed) {
        validS = firstAt(validUntil);
        select();
      }
    };
    const apply = (adds: Add[], time: number, index: number, notify: boolean) => {
      for (const a of adds) {
        if (a.src) this.add(a.cr.list!, srcText, srcKey, time, a.cr.timeout, a.cr.rule, index, notify);
        else this.add(a.cr.list!, dstText, dstKey, time, a.cr.timeout, a.cr.rule, index, notify);
      }
    };
    const record = (ctx: PacketCtx, k: number): Add[] => {
      const rec: Array<{ cr: CompiledRule; src: boolean }> = [];
      this.recording = rec;
      try {
        this.evaluate(ctx, packets[k], null);
      } finally {
        this.recording = null;
      }
      return rec.map(({ cr, src }) => ({ cr, src, bit: bitOf.get(`${src ? 's' : 'd'} ${cr.list}`) ?? -1 }));
    };
    /** Sends packet `s` (protocol `k`, port class `c`); false when it is skipped (it would add nothing). */
    const send = (s: number, k: number, c: number, port: number): boolean => {
      const key = c * np + k;
      if (c >= 0 && s < validS && cur.inert[key] === 1) return false; // adds nothing, changes nothing
      if (s >= validS) recompute(timeOf(s));
      const ctx = prepare(k, s, port);
      if (c < 0) {
        noteAdds(record(ctx, k), ctx.time);
        return true;
      }
      const hit = cur.out[key];
      if (hit !== undefined) {
        if (hit.length > 0) {
          apply(hit, ctx.time, ctx.index, true);
          noteAdds(hit, ctx.time);
        }
        return true;
      }
      const at = cur;
      const adds = record(ctx, k);
      at.out[key] = adds;
      if (adds.length === 0) at.inert[key] = 1;
      noteAdds(adds, ctx.time);
      return true;
    };
    /** Every packet of class `c` adds nothing under the current mask. */
    const inertClass = (c: number): boolean => {
      for (let k = 0; k < np; k++) if (cur.inert[c * np + k] !== 1) return false;
      return true;
    };
    const margin = (2 * np + 2) / rate;

    recompute(t0);
    // stop() changes only through onAdd: asked before the first packet and after every packet sent
    if (stop()) return this.finish(base, 0);
    let i = 0;
    while (i < n) {
      const c = oi.cls[i];
      const end = oi.runEnd[i];
      // a run whose packets all add nothing, with no membership expiring before its end
      if (c >= 0 && end * np + np - 1 < validS && inertClass(c)) {
        i = end + 1;
        continue;
      }
      for (let g = i; g <= end; g++) {
        const m0 = cur;
        let same = true;
        for (let k = 0; k < np; k++) {
          const s = g * np + k;
          if (send(s, k, c, ports[g]) && stop()) return this.finish(base, s + 1);
          if (cur !== m0) same = false;
        }
        if (c < 0 || g === end) continue;
        // the rest of the run adds nothing
        if (end * np + np - 1 < validS && inertClass(c)) break;
        if (mode !== 'compress' || !same || g + 3 > end) continue;
        // steady? the next port's packets see the same mask
        const next = (g + 1) * np;
        if (next >= validS) recompute(timeOf(next));
        if (cur !== m0) continue;
        const outs: Add[][] = [];
        for (let k = 0; k < np; k++) outs.push(m0.out[c * np + k] ?? []);
        // the stretch ends before the first expiry of a set bit these packets do not keep refreshing
        let until = Infinity;
        for (let b = 0; b < nb; b++) {
          if (bits[b] !== 1) continue;
          const kept = this.refresh && outs.some((adds) => adds.some((a) => a.bit === b && a.cr.timeout > margin));
          if (!kept) until = Math.min(until, expiryBit(b, timeOf(next)));
        }
        // an entry these packets add without pushing its expiry on every port (no refresh, or a timeout
        // shorter than the gap) must stay as it is: re-adding it after it expired would change it
        for (const adds of outs) {
          for (const a of adds) {
            if (this.refresh && a.cr.timeout > margin) continue;
            const e = this.lists.get(a.cr.list!)?.get(a.src ? srcKey : dstKey);
            until = Math.min(until, e !== undefined && e.expires > timeOf(next) ? e.expires : -Infinity);
          }
        }
        const limitS = firstAt(until);
        const last = Math.min(end, limitS === Infinity ? end : Math.floor((limitS - np) / np));
        if (last < g + 3) continue;
        // the port before the last one, silently (its refreshes), then the last one as usual
        for (let k = 0; k < np; k++) {
          const s = (last - 1) * np + k;
          apply(outs[k], timeOf(s), base + s, false);
          noteAdds(outs[k], timeOf(s));
        }
        g = last - 1;
      }
      i = end + 1;
    }
    return this.finish(base, n * np);
  }

  private finish(base: number, sent: number): number {
    this.packets = base + sent;
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
    const ix = this.index.get(rules);
    if (ix === undefined) {
      for (let i = 0; i < rules.length; i++) {
        const cr = rules[i];
        if (!cr.test(ctx)) continue;
        const r = this.take(cr, chains, table, ctx, packet, steps, depth);
        if (r !== NEXT) return r;
      }
      return END;
    }
    // only the rules this packet's protocol and destination port can match, in chain order
    const pi = ix.of(ctx.proto);
    const wide = pi.wide;
    const hits = pi.at(ctx.dstPort);
    const nw = wide.length;
    const nh = hits.length;
    let a = 0;
    let b = 0;
    while (a < nw || b < nh) {
      const i = b >= nh || (a < nw && wide[a] < hits[b]) ? wide[a++] : hits[b++];
      const cr = rules[i];
      if (!cr.test(ctx)) continue;
      const r = this.take(cr, chains, table, ctx, packet, steps, depth);
      if (r !== NEXT) return r;
    }
    return END;
  }

  /** A rule matched: its action. NEXT goes on with the chain's next rule. */
  private take(
    cr: CompiledRule,
    chains: Map<string, CompiledRule[]>,
    table: TableName,
    ctx: PacketCtx,
    packet: SimPacket,
    steps: TraceStep[] | null,
    depth: number,
  ): number {
    let step: TraceStep | undefined;
    if (steps !== null) {
      step = { rule: cr.rule, table, chain: cr.rule.chain, action: cr.action };
      if (cr.assumed) step.assumed = cr.assumed;
      if (cr.logged) step.logged = true;
      steps.push(step);
    }
    switch (cr.kind) {
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
          return NEXT;
        }
        if (depth >= MAX_JUMP_DEPTH) {
          if (step) step.note = `jump not taken: more than ${MAX_JUMP_DEPTH} nested jumps (a jump loop?)`;
          return NEXT;
        }
        const r = this.runChain(chains, table, cr.jumpTarget, ctx, packet, steps, depth + 1);
        return r === END || r === RETURN ? NEXT : r;
      }
      case 'add-src':
        if (cr.list !== undefined) {
          this.add(cr.list, packet.src, ctx.srcKey, ctx.time, cr.timeout, cr.rule, ctx.index);
          this.recording?.push({ cr, src: true });
        }
        return NEXT;
      case 'add-dst':
        if (cr.list !== undefined) {
          this.add(cr.list, packet.dst ?? defaultDst(this.family), ctx.dstKey, ctx.time, cr.timeout, cr.rule, ctx.index);
          this.recording?.push({ cr, src: false });
        }
        return NEXT;
      case 'notrack':
        ctx.state = 'untracked';
        return NEXT;
      default:
        // 'mark' / 'continue'
        if (cr.newMark) ctx.marks[cr.newMark.kind] = cr.newMark.value;
        if (cr.stops) {
          this.lastRule = cr.rule;
          return ACCEPT;
        }
        if (step && !cr.newMark && !QUIET_ACTIONS.has(cr.action)) step.note = `action ${cr.action} is not simulated (the packet goes on)`;
        return NEXT;
    }
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
/** Actions that go on to the next rule by design (no "not simulated" note). */
const QUIET_ACTIONS = new Set(['log', 'passthrough', 'fasttrack-connection']);
const NO_NAT: readonly string[] = [];
