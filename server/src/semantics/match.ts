// A rule's match conditions compiled ONCE into literals, each with two evaluations over the same
// meaning: `test(point)` on one concrete packet (the simulator), `split(cube)` on a set of packets
// (the static side: the part that matches and the part that does not). The only code that decides
// whether a packet matches a condition.
//
// Conditions the semantics does not model are explicit: a real property of the packet the model
// cannot see (`ipsec-policy=`, a DNS name in `src-address=`, `connection-limit=`) is an OPAQUE
// boolean dimension shared by every rule that writes the same text; a value computed at run time or a
// matcher with state of its own (limit, dst-limit, psd, nth, random, ...) is an UNKNOWN dimension of
// that rule alone. On a point both take the simulator's `assume` answer (listed as `assumed`); psd
// and limit take the simulator's counters when it supplies them.

import type { Match, Neg, PortSet, Rule, Unknown } from '../model/types';
import { normalizeProtocol, parseAddress, parseBool } from '../model/values';
import * as I from './iset';
import { bit, type Cube, FIELD, stateBits, typeBits } from './sets';
import { ADDR_TYPES, FLAGS, MARK_FIELDS, type MarkKind, type Point, type Space, NAT_VALUES, STATES } from './space';

export interface Lit {
  /** `dst-port=22`, `!`-prefixed values as written: explains a miss in traces. */
  label: string;
  /** The point value comes from `assume` (the condition is not modelled on single packets). */
  assumed?: boolean;
  /** Counts packets (psd, limit): its point answer depends on earlier packets. */
  stateful?: boolean;
  test(p: Point): boolean;
  /** Pushes the part of `c` that matches onto `yes`, the rest onto `no`. */
  split(c: Cube, yes: Cube[], no: Cube[]): void;
}

export interface CompileOptions {
  /** Point value of a condition that is not modelled (default: false). */
  assume?: (rule: Rule | undefined, label: string) => boolean;
  /** Layer7 patterns by name (default: the model's, compiled). */
  layer7?: (name: string) => RegExp | undefined;
  /** Stateful point tests the simulator keeps (psd, limit); undefined: assumed. */
  stateful?: (name: 'psd' | 'limit', raw: string) => ((p: Point) => boolean) | undefined;
}

export interface CompiledMatch {
  readonly lits: readonly Lit[];
  /** All conditions hold for this packet. */
  test(p: Point): boolean;
  /** Splits cubes into matching / not matching parts (disjoint). */
  split(cubes: readonly Cube[]): { yes: Cube[]; no: Cube[] };
  /** Labels of the conditions whose point value is assumed. */
  readonly assumed: readonly string[];
  readonly stateful: boolean;
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

const negText = (n: Neg<unknown>) => (n.negated ? '!' : '');
function portsText(set: PortSet): string {
  return set.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}
function inPorts(set: PortSet, port: number): boolean {
  for (let i = 0; i < set.length; i++) if (port >= set[i][0] && port <= set[i][1]) return true;
  return false;
}
function parseIcmp(text: string): { t: [number, number]; c: [number, number] } | undefined {
  const m = /^\s*(\d+)(?:-(\d+))?(?::(\d+)(?:-(\d+))?)?\s*$/.exec(text);
  if (!m) return undefined;
  const t: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  const c: [number, number] = m[3] === undefined ? [0, 255] : [Number(m[3]), Number(m[4] ?? m[3])];
  return { t, c };
}

/** Matchers in `other` with state of their own, or that read the clock: unknown per rule. */
const PER_RULE_OTHER = new Set(['nth', 'random', 'per-connection-classifier', 'connection-rate', 'hotspot', 'time', 'connection-bytes']);

// ----- literal constructors -----

function negate(l: Lit, label: string): Lit {
  return {
    label,
    assumed: l.assumed,
    stateful: l.stateful,
    test: (p) => !l.test(p),
    split: (c, yes, no) => l.split(c, no, yes),
  };
}

function enumLit(f: number, mask: bigint, label: string, test: (p: Point) => boolean): Lit {
  return {
    label,
    test,
    split(c, yes, no) {
      const m = c.e[f];
      const y = m & mask;
      const n = m & ~mask;
      if (y !== 0n) yes.push(y === m ? c : c.withE(f, y));
      if (n !== 0n) no.push(n === m ? c : c.withE(f, n));
    },
  };
}

function ivLit<T extends number | bigint>(f: number, set: I.ISet<T>, one: T, label: string, test: (p: Point) => boolean): Lit {
  return {
    label,
    test,
    split(c, yes, no) {
      const cur = c.iv[f] as I.ISet<T>;
      const y = I.intersect(cur, set);
      const n = I.subtract(cur, set, one);
      if (y.length > 0) yes.push(n.length === 0 ? c : c.withI(f, y as I.ISet<number>));
      if (n.length > 0) no.push(y.length === 0 ? c : c.withI(f, n as I.ISet<number>));
    },
  };
}

function splitDim(c: Cube, b: bigint, yes: Cube[], no: Cube[]): void {
  if (c.bt & b) yes.push(c);
  else if (c.bf & b) no.push(c);
  else {
    yes.push(c.withB(c.bt | b, c.bf));
    no.push(c.withB(c.bt, c.bf | b));
  }
}

function dimLit(index: number, label: string, test: (p: Point) => boolean, assumed?: boolean): Lit {
  const b = 1n << BigInt(index);
  return { label, test, assumed, split: (c, yes, no) => splitDim(c, b, yes, no) };
}

function constLit(v: boolean, label: string): Lit {
  return { label, test: () => v, split: (c, yes, no) => (v ? yes : no).push(c) };
}

/**
 * Compiles a Match (of `rule`, when given: unknown conditions are then that rule's) in `space`.
 * Static callers use `matchOf` (cached); the simulator compiles with its options.
 */
export function compileMatch(space: Space, m: Match, rule: Rule | undefined, options: CompileOptions = {}): CompiledMatch {
  const lits: Lit[] = [];
  const assume = options.assume ?? (() => false);
  const layer7 = options.layer7 ?? ((name: string) => modelLayer7(space, name));
  const dyn = new Set(rule?.dynamicProps ?? []);
  const id = space.matchKey(m);

  /** A condition that is this rule's alone (runtime value, stateful matcher). */
  const unknownLit = (label: string, test?: (p: Point) => boolean, stateful?: boolean) => {
    const d = space.dim(`u:${id}:${label}`, () => ({ kind: 'unknown', rule, label }));
    const v = test ? undefined : assume(rule, label);
    lits.push({ ...dimLit(d.index, label, test ?? (() => v!), !test), stateful });
  };
  /** A real packet property the semantics does not model, shared by rules with the same text. */
  const opaqueLit = (label: string, test?: (p: Point) => boolean) => {
    const d = space.dim(`x:${label}`, () => ({ kind: 'opaque', label, test }));
    if (test) return dimLit(d.index, label, test);
    const v = assume(rule, label);
    return dimLit(d.index, label, () => v, true);
  };
  /** Adds a literal for `n` (negated when `n.negated`), or an unknown one when its value is not known. */
  const add = <T>(name: string, n: Neg<T> | undefined, text: (v: T) => string, build: (v: T, label: string) => Lit) => {
    if (!n) return;
    if (isUnknown(n.value)) {
      unknownLit(`${name}=${(n.value as Unknown).raw}`);
      return;
    }
    const v = n.value as T;
    const label = `${name}=${negText(n)}${text(v)}`;
    const plain = build(v, `${name}=${text(v)}`);
    lits.push(n.negated ? negate(plain, label) : plain);
  };
  const ident = (s: string) => s;

  add('protocol', m.protocol, ident, (v, label) => {
    const want = normalizeProtocol(v);
    const test = (p: Point) => p.proto === want;
    const mask = space.protoMask(want);
    return mask !== undefined ? enumLit(FIELD.E_PROTO, mask, label, test) : opaqueLit(label, test);
  });
  add('src-port', m.srcPort, portsText, (v, label) =>
    ivLit(FIELD.I_SPORT, I.fromRanges(v, 1), 1, label, (p) => p.srcPort >= 0 && inPorts(v, p.srcPort)),
  );
  add('dst-port', m.dstPort, portsText, (v, label) =>
    ivLit(FIELD.I_DPORT, I.fromRanges(v, 1), 1, label, (p) => p.dstPort >= 0 && inPorts(v, p.dstPort)),
  );
  add('port', m.anyPort, portsText, (v, label) => {
    const set = I.fromRanges(v, 1);
    const d = ivLit(FIELD.I_DPORT, set, 1, label, () => false);
    const s = ivLit(FIELD.I_SPORT, set, 1, label, () => false);
    return {
      label,
      test: (p) => (p.dstPort >= 0 && inPorts(v, p.dstPort)) || (p.srcPort >= 0 && inPorts(v, p.srcPort)),
      split(c, yes, no) {
        const rest: Cube[] = [];
        d.split(c, yes, rest);
        for (const r of rest) s.split(r, yes, no);
      },
    };
  });
  for (const [name, n, f] of [
    ['src-address', m.srcAddress, FIELD.I_SADDR],
    ['dst-address', m.dstAddress, FIELD.I_DADDR],
  ] as const) {
    const r = n && !isUnknown(n.value) ? parseAddress(n.value as string) : undefined;
    if (n && !isUnknown(n.value) && (!r || r.v6 !== space.v6)) {
      // a DNS name (resolved by the router) or an address of the other family
      const plain = opaqueLit(`${name}=${n.value as string}`);
      lits.push(n.negated ? negate(plain, `${name}=!${n.value as string}`) : plain);
      continue;
    }
    const key = f === FIELD.I_SADDR ? 'srcVal' : 'dstVal';
    add(name, n, ident, (_v, label) =>
      ivLit(f, [r!.lo, r!.hi], 1n, label, (p) => {
        const x = p[key];
        return x !== undefined && x >= r!.lo && x <= r!.hi;
      }),
    );
  }
  for (const [name, n, src] of [
    ['src-address-list', m.srcAddressList, true],
    ['dst-address-list', m.dstAddressList, false],
  ] as const) {
    add(name, n, ident, (v, label) => {
      const b = 1n << BigInt(space.listDim(v, src).index);
      const test = src ? (p: Point) => p.env.inList(v, p.srcKey, p.srcVal, p.time) : (p: Point) => p.env.inList(v, p.dstKey, p.dstVal, p.time);
      // In a joint space (two scripts compared) the dimension is membership besides this side's own
      // entries: an address the script lists is a member; one it may list (DNS name, run-time value)
      // a member for an unknown of this side.
      const entries = space.listEntries(v);
      const f = src ? FIELD.I_SADDR : FIELD.I_DADDR;
      const maybe = entries?.unknown
        ? 1n << BigInt(space.dim(`e:${src ? 'src' : 'dst'}:${v}:${entries.unknown}`, () => ({ kind: 'unknown', label: `${name}=${v} (entries ${entries.unknown})` })).index)
        : 0n;
      return {
        label,
        test,
        split(c, yes, no) {
          if (c.trip.added & b) {
            yes.push(c); // added earlier in this trip: a member now
            return;
          }
          if (!entries) {
            splitDim(c, b, yes, no);
            return;
          }
          const rest: Cube[] = [];
          ivLit(f, entries.set as I.ISet<bigint>, 1n, label, test).split(c, yes, rest);
          for (const r of rest) {
            if (maybe === 0n) splitDim(r, b, yes, no);
            else {
              const out: Cube[] = [];
              splitDim(r, b, yes, out);
              for (const o of out) splitDim(o, maybe, yes, no);
            }
          }
        },
      };
    });
  }
  for (const [name, n, f, out] of [
    ['in-interface', m.inInterface, FIELD.E_IN, false],
    ['out-interface', m.outInterface, FIELD.E_OUT, true],
  ] as const) {
    add(name, n, ident, (v, label) => {
      const test = out ? (p: Point) => p.outIface === v : (p: Point) => p.inIface === v;
      const mask = space.atomMask(v);
      return mask !== undefined ? enumLit(f, mask, label, test) : opaqueLit(label, test);
    });
  }
  for (const [name, n, f, out] of [
    ['in-interface-list', m.inInterfaceList, FIELD.E_IN, false],
    ['out-interface-list', m.outInterfaceList, FIELD.E_OUT, true],
  ] as const) {
    add(name, n, ident, (v, label) => {
      const test = out ? (p: Point) => p.outLists.has(v) : (p: Point) => p.inLists.has(v);
      if (space.isFreeList(v)) {
        const d = space.dim(`${out ? 'out' : 'in'}-list:${v}`, () => ({ kind: 'iflist', label, test }));
        return dimLit(d.index, label, test);
      }
      return enumLit(f, space.listMask(v), label, test);
    });
  }
  add('connection-state', m.connectionState, (v) => v.join(','), (v, label) => {
    const names = v.map((s) => s.toLowerCase());
    const set = new Set(names);
    const test = (p: Point) => set.has(p.state);
    if (names.some((s) => !(STATES as readonly string[]).includes(s))) return opaqueLit(label, test);
    const mask = stateBits(...names);
    const inner = enumLit(FIELD.E_STATE, mask, label, test);
    const untracked = set.has('untracked');
    return {
      label,
      test,
      split(c, yes, no) {
        if (c.trip.notrack) (untracked ? yes : no).push(c);
        else inner.split(c, yes, no);
      },
    };
  });
  add('connection-nat-state', m.connectionNatState, (v) => v.join(','), (v, label) => {
    const names = v.map((s) => s.toLowerCase());
    const test = (p: Point) => p.natState.some((s) => names.includes(s));
    if (names.some((s) => s !== 'srcnat' && s !== 'dstnat')) return opaqueLit(label, test);
    let mask = 0n;
    NAT_VALUES.forEach((nv, i) => {
      if (names.some((s) => nv === s || nv === 'both')) mask |= bit(i);
    });
    return enumLit(FIELD.E_NAT, mask, label, test);
  });
  if (m.tcpFlags) {
    if (isUnknown(m.tcpFlags.value)) unknownLit(`tcp-flags=${m.tcpFlags.value.raw}`);
    else {
      const flags = m.tcpFlags.value.map((f) => f.toLowerCase());
      const label = `tcp-flags=${flags.join(',')}`;
      const on = flags.filter((f) => !f.startsWith('!'));
      const off = flags.filter((f) => f.startsWith('!')).map((f) => f.slice(1));
      const test = (p: Point) => p.proto === 'tcp' && on.every((f) => p.flags.has(f)) && !off.some((f) => p.flags.has(f));
      const idx = (f: string) => (FLAGS as readonly string[]).indexOf(f);
      if ([...on, ...off].some((f) => idx(f) < 0)) lits.push(opaqueLit(label, test));
      else {
        const onM = on.reduce((a, f) => a | (1 << idx(f)), 0);
        const offM = off.reduce((a, f) => a | (1 << idx(f)), 0);
        const tcp = enumLit(FIELD.E_PROTO, space.protoMask('tcp')!, label, test);
        lits.push({
          label,
          test,
          split(c, yes, no) {
            const t: Cube[] = [];
            tcp.split(c, t, no);
            for (let x of t) {
              if (x.fon & offM || x.foff & onM) {
                no.push(x);
                continue;
              }
              for (let b = 0; b < 8; b++) {
                const m1 = 1 << b;
                if (onM & m1 && !(x.fon & m1)) {
                  no.push(x.withFlags(x.fon, x.foff | m1));
                  x = x.withFlags(x.fon | m1, x.foff);
                }
                if (offM & m1 && !(x.foff & m1)) {
                  no.push(x.withFlags(x.fon | m1, x.foff));
                  x = x.withFlags(x.fon, x.foff | m1);
                }
              }
              yes.push(x);
            }
          },
        });
      }
    }
  }
  add('packet-size', m.packetSize, ([a, b]) => (a === b ? `${a}` : `${a}-${b}`), ([lo, hi], label) =>
    ivLit(FIELD.I_SIZE, I.fromRanges([[lo, hi]], 1), 1, label, (p) => p.size >= lo && p.size <= hi),
  );
  add('layer7-protocol', m.layer7Protocol, ident, (v, label) => {
    const re = layer7(v);
    if (!re) return opaqueLit(label);
    return opaqueLit(label, (p) => p.payload !== undefined && p.payload !== '' && re.test(p.payload));
  });
  add('src-mac-address', m.srcMacAddress, ident, (v, label) => {
    const test = (p: Point) => p.srcMac !== undefined && p.srcMac.toUpperCase() === v.toUpperCase();
    const i = space.macs.indexOf(v.toUpperCase());
    return i > 0 ? enumLit(FIELD.E_MAC, bit(i), label, test) : opaqueLit(label, test);
  });
  add('icmp-options', m.icmpOptions, ident, (v, label) => {
    const o = parseIcmp(v);
    if (!o) return opaqueLit(label);
    return opaqueLit(label, (p) => p.icmpType >= o.t[0] && p.icmpType <= o.t[1] && p.icmpCode >= o.c[0] && p.icmpCode <= o.c[1]);
  });
  for (const [name, raw] of Object.entries(m.other)) {
    const negated = raw.startsWith('!');
    const v = raw.replace(/^!/, '').trim();
    const label = `${name}=${raw}`;
    const plainLabel = `${name}=${v}`;
    if (dyn.has(name) || PER_RULE_OTHER.has(name)) {
      unknownLit(label);
      continue;
    }
    let plain: Lit | undefined;
    switch (name) {
      case 'content':
        plain = opaqueLit(plainLabel, (p) => p.payload !== undefined && p.payload.includes(v));
        break;
      case 'dst-address-type':
      case 'src-address-type': {
        const types = v.split(',').map((s) => s.trim());
        if (types.every((x) => (ADDR_TYPES as readonly string[]).includes(x))) {
          const src = name === 'src-address-type';
          plain = enumLit(src ? FIELD.E_STYPE : FIELD.E_DTYPE, typeBits(...types), plainLabel, src ? (p) => types.includes(p.srcType) : (p) => types.includes(p.dstType));
        }
        break;
      }
      case 'fragment': {
        const b = parseBool(v);
        if (b !== undefined) plain = constLit(b === false, plainLabel); // the packets modelled are whole
        break;
      }
      case 'packet-mark':
      case 'connection-mark':
      case 'routing-mark': {
        const kind = name.slice(0, name.indexOf('-')) as MarkKind;
        const f = MARK_FIELDS[kind];
        const i = space.markIndex(kind, v);
        const test = (p: Point) => (p.marks[kind] ?? 'no-mark') === v;
        if (i === 1) {
          plain = opaqueLit(plainLabel, test);
          break;
        }
        const inner = enumLit(f, bit(i), plainLabel, test);
        const tk = kind === 'packet' ? 'pmark' : kind === 'connection' ? 'cmark' : 'rmark';
        plain = {
          label: plainLabel,
          test,
          split(c, yes, no) {
            const set = c.trip[tk];
            if (set >= 0) (set === i ? yes : no).push(c);
            else inner.split(c, yes, no);
          },
        };
        break;
      }
    }
    plain ??= opaqueLit(plainLabel);
    lits.push(negated ? negate(plain, label) : plain);
  }
  if (m.connectionLimit !== undefined) lits.push(opaqueLit(`connection-limit=${m.connectionLimit}`));
  if (m.dstLimit !== undefined) unknownLit(`dst-limit=${m.dstLimit}`);
  // Stateful matchers last: they only count packets that pass the other conditions.
  for (const [name, raw] of [
    ['limit', m.limit],
    ['psd', m.psd],
  ] as const) {
    if (raw === undefined) continue;
    const t = dyn.has(name) ? undefined : options.stateful?.(name, raw);
    unknownLit(`${name}=${raw}`, t, true);
  }
  return finish(lits);
}

function finish(lits: Lit[]): CompiledMatch {
  const fs = lits.map((l) => l.test);
  const n = fs.length;
  let test: (p: Point) => boolean;
  if (n === 0) test = () => true;
  else if (n === 1) test = fs[0];
  else if (n === 2) {
    const [a, b] = fs;
    test = (p) => a(p) && b(p);
  } else if (n === 3) {
    const [a, b, c] = fs;
    test = (p) => a(p) && b(p) && c(p);
  } else {
    test = (p) => {
      for (let i = 0; i < n; i++) if (!fs[i](p)) return false;
      return true;
    };
  }
  return {
    lits,
    test,
    split(cubes) {
      let pending = cubes as Cube[];
      const no: Cube[] = [];
      for (const l of lits) {
        const next: Cube[] = [];
        for (const c of pending) l.split(c, next, no);
        pending = next;
        if (pending.length === 0) break;
      }
      return { yes: pending === cubes ? pending.slice() : pending, no };
    },
    assumed: lits.filter((l) => l.assumed).map((l) => l.label),
    stateful: lits.some((l) => l.stateful),
  };
}

const l7Cache = new WeakMap<Space, Map<string, RegExp | undefined>>();
function modelLayer7(space: Space, name: string): RegExp | undefined {
  let m = l7Cache.get(space);
  if (!m) l7Cache.set(space, (m = new Map()));
  if (m.has(name)) return m.get(name);
  const def = space.model.layer7.get(name);
  let re: RegExp | undefined;
  if (def?.regexp !== undefined) {
    try {
      re = new RegExp(def.regexp);
    } catch {
      re = undefined;
    }
  }
  m.set(name, re);
  return re;
}

const staticCache = new WeakMap<Space, WeakMap<Match, CompiledMatch>>();
/** The static compile of a match in a space (cached; point values of unknowns are `false`). */
export function matchOf(space: Space, m: Match, rule?: Rule): CompiledMatch {
  let c = staticCache.get(space);
  if (!c) staticCache.set(space, (c = new WeakMap()));
  let cm = c.get(m);
  if (!cm) c.set(m, (cm = compileMatch(space, m, rule)));
  return cm;
}
