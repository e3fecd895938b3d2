// The header space: every field a firewall rule can match, its domain, and how a packet that the
// script cannot fully know is represented. One Space per (model, family), built once (cached).
//
// Fields (see Cube in sets.ts for the layout):
//  - enum fields, a bit mask over a finite domain: hook (input/forward/output), protocol (every name
//    the model mentions, the port protocols, and OTHER), in-/out-interface ATOMS, connection-state,
//    connection-nat-state (none/srcnat/dstnat/both), dst-/src-address-type, packet/connection/routing
//    mark (names the model mentions, no-mark, OTHER), src-mac-address (named ones and OTHER);
//  - interval fields: src/dst port (-1 = a protocol without ports), packet size, src/dst address;
//  - tcp flags: two 8-bit masks (flags that must be set / clear);
//  - boolean dimensions, created as rules are compiled: address-list membership of the source or
//    destination AT THE START of the packet's trip (`src:knock1`), opaque predicates shared by rules
//    that write the same text (`layer7-protocol=x`, `ipsec-policy=in,ipsec`), membership of the
//    interface in the builtin `dynamic`/`static` lists, and UNKNOWN conditions (a value computed at
//    run time, a stateful matcher such as limit/psd/nth): one dimension per rule and condition, so a
//    proof can never rest on them. "Unknown" is thus a value, never a guess: a set that constrains
//    an unknown dimension describes packets that MAY take that way.
//
// Interface atoms: NONE (no interface: in-interface in output, out-interface in input), `~` (an
// interface the script never names, in no list), `~L` for every interface list L the script does not
// give members (an interface the script never names that belongs to L: lists the router fills), then
// every interface the script names, member of exactly the lists the script puts it in. So two lists
// with no common known member are disjoint (invariant 7 of the model), and a list the script fills
// (`/interface list member add list=WAN interface=ether1`) holds exactly those members.
//
// Universe per hook (facts of RouterOS/Linux, not guesses): input packets are addressed to the router
// (dst-address-type local, broadcast or multicast; TCP only local), forward ones unicast or multicast,
// output ones come from it (src-address-type local); a packet's first conntrack state is new,
// established, related or invalid (`untracked` only after a raw `notrack`); connection-nat-state
// dstnat/srcnat only when the model has such nat rules; a fresh packet has no packet or routing mark.

import type { Family, FirewallModel, Match, Rule, Unknown } from '../model/types';
import { normalizeProtocol, parseAddress } from '../model/values';
import { fromRanges } from './iset';

export type Hook = 'input' | 'forward' | 'output';
export const HOOKS: readonly Hook[] = ['input', 'forward', 'output'];

export const STATES = ['new', 'established', 'related', 'invalid', 'untracked'] as const;
export const NAT_VALUES = ['none', 'srcnat', 'dstnat', 'both'] as const;
export const ADDR_TYPES = ['unicast', 'local', 'broadcast', 'multicast', 'blackhole', 'unreachable', 'prohibit'] as const;
export const FLAGS = ['fin', 'syn', 'rst', 'psh', 'ack', 'urg', 'ece', 'cwr'] as const;
export const PORT_PROTOCOLS: ReadonlySet<string> = new Set(['tcp', 'udp', 'udp-lite', 'sctp', 'dccp']);
const BASE_PROTOCOLS = ['tcp', 'udp', 'udp-lite', 'sctp', 'dccp', 'icmp', 'icmpv6'];
export const OTHER = '*other';
export const NO_MARK = 'no-mark';

/** Enum fields (index into Cube.e). */
export const E_HOOK = 0, E_PROTO = 1, E_IN = 2, E_OUT = 3, E_STATE = 4, E_NAT = 5, E_DTYPE = 6, E_STYPE = 7,
  E_PMARK = 8, E_CMARK = 9, E_RMARK = 10, E_MAC = 11, E_COUNT = 12;
/** Interval fields (index into Cube.iv): ports and size are numbers, addresses bigints. */
export const I_SPORT = 0, I_DPORT = 1, I_SIZE = 2, I_SADDR = 3, I_DADDR = 4, I_COUNT = 5;
export const ENUM_NAMES = ['hook', 'protocol', 'in-interface', 'out-interface', 'connection-state', 'connection-nat-state',
  'dst-address-type', 'src-address-type', 'packet-mark', 'connection-mark', 'routing-mark', 'src-mac-address'];
export const INTERVAL_NAMES = ['src-port', 'dst-port', 'packet-size', 'src-address', 'dst-address'];
export const MARK_FIELDS = { packet: E_PMARK, connection: E_CMARK, routing: E_RMARK } as const;
export type MarkKind = keyof typeof MARK_FIELDS;

/** What compiled conditions need from the simulator: address-list membership, layer7 patterns. */
export interface MatchEnv {
  inList(list: string, key: string, value: bigint | undefined, time: number): boolean;
  layer7(name: string): RegExp | undefined;
}

/** One concrete packet at one point of its trip (the simulator's packet context). */
export interface Point {
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
  /** Current connection state (`untracked` after notrack). */
  state: string;
  /** `srcnat` / `dstnat` when the connection was NATed (empty: not NATed). */
  natState: readonly string[];
  dstType: string;
  srcType: string;
  flags: ReadonlySet<string>;
  size: number;
  payload: string | undefined;
  icmpType: number;
  icmpCode: number;
  srcMac: string | undefined;
  marks: { packet?: string; connection?: string; routing?: string };
  env: MatchEnv;
}

export type DimKind = 'list' | 'opaque' | 'unknown' | 'iflist';

/** A boolean dimension. `test` gives its value on a point (opaque and interface-list dims). */
export interface Dim {
  index: number;
  key: string;
  kind: DimKind;
  /** For `list`: the address list and side. */
  list?: string;
  src?: boolean;
  /** For `unknown`: the rule (when known) and the condition's label. */
  rule?: Rule;
  label?: string;
  test?: (p: Point) => boolean;
}

export interface Atom {
  /** The interface name (named atoms), or a label (`(none)`, `~`, `~WAN`). */
  label: string;
  named: boolean;
  lists: ReadonlySet<string>;
}

const BUILTIN_FREE = new Set(['dynamic', 'static']);

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}
function known<T>(n: { value: T | Unknown } | undefined): T | undefined {
  return n && !isUnknown(n.value) ? (n.value as T) : undefined;
}

const NAT_DST_ACTIONS = new Set(['dst-nat', 'netmap', 'redirect']);
const NAT_SRC_ACTIONS = new Set(['src-nat', 'masquerade', 'netmap', 'same']);

/** How an interface atom is made, whatever the model looking at it (see `jointSpaces`). */
interface AtomDef {
  label: string;
  named: boolean;
  /** The named interface. */
  iface?: string;
  /** `~L` atoms: an interface the scripts never name that belongs to list L (where L is not complete). */
  free?: string;
}

/** The coordinates two views of one joint space share (see `jointSpaces`). */
interface Coords {
  protocols: string[];
  protoIdx: Map<string, number>;
  atomDefs: AtomDef[];
  atomIdx: Map<string, number>;
  marks: Record<MarkKind, string[]>;
  macs: string[];
  dims: Dim[];
  dimIdx: Map<string, number>;
  listNames: ReadonlySet<string>;
  natMask: bigint;
  notrack: boolean;
  /** Matches of the other side paired with this side's (same table, chain and text): one set of unknown dims. */
  alias: Map<Match, number>;
  models: readonly FirewallModel[];
  entries: Map<FirewallModel, Map<string, ListEntries>>;
}

/** An address list's static entries in one script: known addresses, and the texts of unknown ones. */
export interface ListEntries {
  set: readonly bigint[];
  unknown: string | undefined;
}

export class Space {
  readonly v6: boolean;
  readonly addrMax: bigint;
  readonly protocols: string[] = [];
  private readonly protoIdx = new Map<string, number>();
  readonly atoms: Atom[] = [];
  private readonly atomIdx = new Map<string, number>();
  private readonly atomDefs: AtomDef[] = [];
  private readonly listMasks = new Map<string, bigint>();
  readonly marks: Record<MarkKind, string[]> = { packet: [NO_MARK, OTHER], connection: [NO_MARK, OTHER], routing: [NO_MARK, OTHER] };
  readonly macs: string[] = [OTHER];
  readonly dims: Dim[] = [];
  private readonly dimIdx = new Map<string, number>();
  /** Interface lists the model mentions (rules, definitions), builtins aside. */
  readonly listNames: ReadonlySet<string>;
  /** NAT states possible: from the model's nat rules (none without them). */
  readonly natMask: bigint;
  /** The model has raw `notrack` rules. */
  readonly notrack: boolean;
  /**
   * 0 or 1 when this space is one view of a joint space (`jointSpaces`): the same coordinates as the
   * other view, this side's model deciding interface-list membership and address-list entries.
   */
  readonly side: number | undefined;
  private readonly alias: Map<Match, number> = new Map();
  private readonly entries = new Map<FirewallModel, Map<string, ListEntries>>();
  private readonly models: readonly FirewallModel[] = [];

  constructor(
    readonly model: FirewallModel,
    readonly family: Family,
    joint?: { models: readonly FirewallModel[]; side: number; shared?: Space },
  ) {
    this.v6 = family === 'ipv6';
    this.addrMax = this.v6 ? (1n << 128n) - 1n : (1n << 32n) - 1n;
    this.side = joint?.side;
    if (joint?.shared) {
      const c = joint.shared.coords();
      this.protocols = c.protocols;
      this.protoIdx = c.protoIdx;
      this.atomDefs = c.atomDefs;
      this.atomIdx = c.atomIdx;
      this.marks = c.marks;
      this.macs = c.macs;
      this.dims = c.dims;
      this.dimIdx = c.dimIdx;
      this.listNames = c.listNames;
      this.natMask = c.natMask;
      this.notrack = c.notrack;
      this.alias = c.alias;
      this.models = c.models;
      this.entries = c.entries;
      for (const d of this.atomDefs) this.atoms.push(this.atomFor(d));
      return;
    }
    const models = joint ? joint.models : [model];
    this.models = models;
    for (const p of BASE_PROTOCOLS) this.addProto(p);
    this.addAtom({ label: '(none)', named: false });
    this.addAtom({ label: '~', named: false });
    const ifaces = new Set<string>();
    const lists = new Set<string>();
    let src = false;
    let dst = false;
    let notrack = false;
    for (const mo of models) {
      for (const l of mo.interfaceLists.values()) {
        if (!BUILTIN_FREE.has(l.name) && l.name !== 'all' && l.name !== 'none') lists.add(l.name);
        for (const m of l.members) ifaces.add(m);
        for (const x of [...l.include, ...l.exclude]) if (!BUILTIN_FREE.has(x) && x !== 'all' && x !== 'none') lists.add(x);
      }
      for (const t of mo.tables.values()) {
        for (const r of t.rules) {
          const m = r.match;
          if (t.family === family) {
            if (t.name === 'nat' && !r.disabled) {
              if (NAT_DST_ACTIONS.has(r.action)) dst = true;
              if (NAT_SRC_ACTIONS.has(r.action)) src = true;
            }
            if (r.action === 'notrack') notrack = true;
            const p = known(m.protocol);
            if (p !== undefined) this.addProto(normalizeProtocol(p));
            const mac = known(m.srcMacAddress);
            if (mac !== undefined && !this.macs.includes(mac.toUpperCase())) this.macs.push(mac.toUpperCase());
            for (const k of ['packet', 'connection', 'routing'] as const) {
              const v = m.other[`${k}-mark`];
              if (v !== undefined) this.addMark(k, v.replace(/^!/, '').trim());
              const nv = r.props[`new-${k}-mark`];
              if (nv !== undefined) this.addMark(k, nv.trim());
            }
          }
          for (const n of [m.inInterface, m.outInterface]) {
            const v = known(n);
            if (v !== undefined) ifaces.add(v);
          }
          for (const n of [m.inInterfaceList, m.outInterfaceList]) {
            const v = known(n);
            if (v !== undefined && !BUILTIN_FREE.has(v) && v !== 'all' && v !== 'none') lists.add(v);
          }
        }
      }
    }
    // `~L` when the list is not complete for some model looking at this space
    for (const l of [...lists].sort()) if (models.some((mo) => !completeIn(mo, l))) this.addAtom({ label: `~${l}`, named: false, free: l });
    this.listNames = lists;
    for (const i of [...ifaces].sort()) this.addAtom({ label: i, named: true, iface: i });
    this.natMask = 1n | (src ? 2n : 0n) | (dst ? 4n : 0n) | (src && dst ? 8n : 0n);
    this.notrack = notrack;
  }

  private coords(): Coords {
    return {
      protocols: this.protocols, protoIdx: this.protoIdx, atomDefs: this.atomDefs, atomIdx: this.atomIdx, marks: this.marks,
      macs: this.macs, dims: this.dims, dimIdx: this.dimIdx, listNames: this.listNames, natMask: this.natMask, notrack: this.notrack,
      alias: this.alias,
      models: this.models,
      entries: this.entries,
    };
  }

  /** The atom of `d` as this space's model sees it (its interface lists). */
  private atomFor(d: AtomDef): Atom {
    const extra = d.free !== undefined && !this.complete(d.free) ? [d.free] : [];
    return { label: d.label, named: d.named, lists: d.label === '(none)' ? new Set() : this.closure(d.iface, extra) };
  }

  /** Is this one view of a joint space (see `jointSpaces`)? */
  get joint(): boolean {
    return this.side !== undefined;
  }

  /**
   * The key of a match's unknown dimensions: its own id, or in a joint space the id of the other side's
   * rule it was paired with (the same rule text in the same chain), so an unchanged rule's run-time
   * value or `limit=` is one unknown on both sides.
   */
  matchKey(m: Match): number {
    return this.alias.get(m) ?? matchId(m);
  }
  /** Pairs `m` (this side's) with `with` (the other side's): one set of unknown dimensions. */
  pairMatch(m: Match, withMatch: Match): void {
    this.alias.set(m, matchId(withMatch));
  }

  /**
   * Joint spaces only, for an address list whose static entries differ between the two scripts: the
   * addresses this side's script puts in it (disabled entries left out) and the texts of entries whose
   * address is unknown here (DNS names, run-time values; one unknown, shared by both sides when they list
   * the same ones). The list's dimension then means membership BESIDES the scripts' entries. Undefined
   * when both scripts list the same entries (and in a single model's space): the dimension is then the
   * list's whole membership, the same on both sides.
   */
  listEntries(list: string): ListEntries | undefined {
    if (!this.joint) return undefined;
    const mine = this.staticEntries(this.model, list);
    const same = this.models.every((m) => {
      const o = this.staticEntries(m, list);
      return o.unknown === mine.unknown && o.set.length === mine.set.length && o.set.every((x, k) => x === mine.set[k]);
    });
    return same ? undefined : mine;
  }

  /** The static entries `model` puts in `list` (this space's family). */
  staticEntries(model: FirewallModel, list: string): ListEntries {
    let per = this.entries.get(model);
    if (!per) this.entries.set(model, (per = new Map()));
    let e = per.get(list);
    if (!e) {
      const ranges: Array<[bigint, bigint]> = [];
      const unknown: string[] = [];
      const l = model.addressLists.get(`${this.family} ${list}`);
      for (const en of l?.entries ?? []) {
        if (en.disabled) continue;
        const r = parseAddress(en.address);
        if (!r || r.v6 !== this.v6) {
          unknown.push(en.address);
          continue;
        }
        ranges.push([r.lo, r.hi]);
      }
      e = { set: fromRanges(ranges, 1n), unknown: unknown.length > 0 ? [...new Set(unknown)].sort().join(',') : undefined };
      per.set(list, e);
    }
    return e;
  }

  /**
   * A list the file defines with members, none computed at run time: taken to hold exactly those
   * members (what the file says the WAN is); any other list may hold interfaces the file never names.
   */
  complete(list: string): boolean {
    return completeIn(this.model, list);
  }

  private addProto(p: string): void {
    if (!this.protoIdx.has(p)) {
      this.protoIdx.set(p, this.protocols.length);
      this.protocols.push(p);
    }
  }
  private addMark(k: MarkKind, v: string): void {
    if (v !== '' && !this.marks[k].includes(v)) this.marks[k].push(v);
  }
  private addAtom(d: AtomDef): void {
    this.atomIdx.set((d.named ? '' : '#') + d.label, this.atoms.length);
    this.atomDefs.push(d);
    this.atoms.push(this.atomFor(d));
  }

  /**
   * The lists an interface belongs to: the members the model defines, `extra` lists, `all`, and
   * `include=`/`exclude=` applied (the simulator's rule, shared).
   */
  closure(iface: string | undefined, extra: readonly string[]): Set<string> {
    const s = new Set<string>(extra);
    s.add('all');
    const lists = [...this.model.interfaceLists.values()];
    if (iface !== undefined) for (const l of lists) if (l.members.includes(iface)) s.add(l.name);
    for (let changed = true; changed; ) {
      changed = false;
      for (const l of lists) {
        if (!s.has(l.name) && l.include.some((i) => s.has(i))) {
          s.add(l.name);
          changed = true;
        }
      }
    }
    for (const l of lists) if (s.has(l.name) && l.name !== 'all' && l.exclude.some((x) => x !== l.name && s.has(x))) s.delete(l.name);
    return s;
  }

  // ----- domains and masks -----

  protoIndex(p: string): number | undefined {
    return this.protoIdx.get(p);
  }
  protoMask(p: string): bigint | undefined {
    const i = this.protoIdx.get(p);
    return i === undefined ? undefined : 1n << BigInt(i);
  }
  get protoFull(): bigint {
    return (1n << BigInt(this.protocols.length + 1)) - 1n; // + OTHER (last bit)
  }
  get protoOther(): number {
    return this.protocols.length;
  }
  portProtoMask(): bigint {
    let m = 0n;
    for (const p of PORT_PROTOCOLS) m |= this.protoMask(p)!;
    return m;
  }

  /** Atom index of a named interface (undefined when the model never names it). */
  namedAtom(name: string): number | undefined {
    return this.atomIdx.get(name);
  }
  atomMask(name: string): bigint | undefined {
    const i = this.atomIdx.get(name);
    return i === undefined ? undefined : 1n << BigInt(i);
  }
  get atomFull(): bigint {
    return (1n << BigInt(this.atoms.length)) - 1n;
  }
  /** Atoms whose interface belongs to `list`. */
  listMask(list: string): bigint {
    let m = this.listMasks.get(list);
    if (m === undefined) {
      m = 0n;
      this.atoms.forEach((a, i) => {
        if (a.lists.has(list)) m! |= 1n << BigInt(i);
      });
      this.listMasks.set(list, m);
    }
    return m;
  }
  /**
   * Is the list's membership unknown for every interface: builtin dynamic/static, or a list this model
   * never mentions (a Match from elsewhere asking about it)?
   */
  isFreeList(list: string): boolean {
    return BUILTIN_FREE.has(list) || (list !== 'all' && list !== 'none' && !this.listNames.has(list));
  }
  /** The atom a concrete interface (and the lists the packet says it is in) falls into. */
  atomOf(iface: string | undefined, lists: ReadonlySet<string>): number {
    if (iface !== undefined) {
      const i = this.atomIdx.get(iface);
      if (i !== undefined) return i;
    }
    if (iface === undefined && lists.size === 0) return 0;
    for (const l of lists) {
      const i = this.atomIdx.get(`#~${l}`);
      if (i !== undefined) return i;
    }
    return 1;
  }

  markIndex(k: MarkKind, v: string): number {
    const i = this.marks[k].indexOf(v);
    return i >= 0 ? i : 1; // OTHER
  }
  markFull(k: MarkKind): bigint {
    return (1n << BigInt(this.marks[k].length)) - 1n;
  }
  macIndex(v: string | undefined): number {
    if (v === undefined) return 0;
    const i = this.macs.indexOf(v.toUpperCase());
    return i >= 0 ? i : 0;
  }

  // ----- boolean dimensions -----

  dim(key: string, make: () => Omit<Dim, 'index' | 'key'>): Dim {
    const i = this.dimIdx.get(key);
    if (i !== undefined) return this.dims[i];
    const d: Dim = { index: this.dims.length, key, ...make() };
    this.dimIdx.set(key, d.index);
    this.dims.push(d);
    return d;
  }
  listDim(list: string, src: boolean): Dim {
    return this.dim(`${src ? 'src' : 'dst'}:${list}`, () => ({ kind: 'list', list, src }));
  }
  findDim(key: string): Dim | undefined {
    const i = this.dimIdx.get(key);
    return i === undefined ? undefined : this.dims[i];
  }
}

function completeIn(model: FirewallModel, list: string): boolean {
  const l = model.interfaceLists.get(list);
  return !!l && l.members.length > 0 && !l.unknownMembers;
}

const spaces = new WeakMap<FirewallModel, Map<Family, Space>>();

/** The space of a model's family (built once per model). */
export function spaceOf(model: FirewallModel, family: Family): Space {
  let m = spaces.get(model);
  if (!m) spaces.set(model, (m = new Map()));
  let s = m.get(family);
  if (!s) m.set(family, (s = new Space(model, family)));
  return s;
}

/** A stable id for a Match object (per-rule unknown dimensions are keyed by it). */
const matchIds = new WeakMap<Match, number>();
let nextMatchId = 0;
export function matchId(m: Match): number {
  let i = matchIds.get(m);
  if (i === undefined) matchIds.set(m, (i = nextMatchId++));
  return i;
}

const joints = new WeakMap<FirewallModel, WeakMap<FirewallModel, Map<Family, [Space, Space]>>>();

/**
 * One header space for two models (a firewall before and after a change), as two views with the
 * same coordinates: the same protocols, interface atoms (every interface either script names), marks
 * and boolean dimensions, so sets analysed in one view can be compared with sets of the other
 * (`subtract`, `intersect` are exact across them). Each view's model decides what is side-specific:
 * interface-list membership, the address lists' static entries (where the two scripts list different
 * entries, that list's dimension means membership BESIDES the scripts' own entries: what the router adds
 * at run time, the same on both sides; see `listEntries`), layer7 patterns. Rules with the same table, chain and text are paired
 * (k-th with k-th) so their unknown conditions are one dimension. Built once per pair (cached).
 */
export function jointSpaces(before: FirewallModel, after: FirewallModel, family: Family): [Space, Space] {
  let m = joints.get(before);
  if (!m) joints.set(before, (m = new WeakMap()));
  let f = m.get(after);
  if (!f) m.set(after, (f = new Map()));
  let pair = f.get(family);
  if (!pair) {
    const a = new Space(before, family, { models: [before, after], side: 0 });
    const b = new Space(after, family, { models: [before, after], side: 1, shared: a });
    const seen = new Map<string, Match[]>();
    for (const t of before.tables.values()) {
      if (t.family !== family) continue;
      for (const r of t.rules) {
        const k = pairKey(t.name, r);
        let l = seen.get(k);
        if (!l) seen.set(k, (l = []));
        l.push(r.match);
      }
    }
    for (const t of after.tables.values()) {
      if (t.family !== family) continue;
      for (const r of t.rules) {
        const l = seen.get(pairKey(t.name, r));
        const w = l?.shift();
        if (w) b.pairMatch(r.match, w);
      }
    }
    f.set(family, (pair = [a, b]));
  }
  return pair;
}

/** The key rules are paired by across two scripts: table, chain and every property but comment and placement. */
export function pairKey(table: string, r: Rule): string {
  const props = Object.entries(r.props)
    .filter(([k]) => k !== 'comment' && k !== 'place-before' && k !== 'disabled')
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return JSON.stringify([table, r.chain, props]);
}
