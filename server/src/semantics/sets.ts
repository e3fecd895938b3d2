// Sets of packets: unions of cubes. A cube is a product of one set per field (a bit mask for each
// enum field, an interval set for each numeric field, constraints on boolean dimensions and tcp
// flags); a set is an array of cubes. Measured on the corpus (see ARCHITECTURE.md, "Semantics"):
// per-field interval sets keep a rule's match a single cube (lists of ports and prefixes stay inside
// one field), and reach sets stay small, so no BDD package is needed.
//
// Cubes are in the coordinates of the packet AT THE START of its trip through the hook (list
// membership before the trip, conntrack state before raw). What the trip has done to a packet so far
// travels with the cube as `Trip` (lists it was added to, notrack, marks set, the rule that accepted it
// in the current table): cubes with different trips are never merged, and a condition on a field the
// trip changed is decided by the trip (see match.ts).

import type { Rule } from '../model/types';
import * as I from './iset';
import {
  E_COUNT, E_DTYPE, E_HOOK, E_IN, E_NAT, E_OUT, E_PMARK, E_PROTO, E_RMARK, E_STATE, E_STYPE, E_CMARK, E_MAC,
  I_DADDR, I_DPORT, I_SADDR, I_SIZE, I_SPORT, I_COUNT, HOOKS, STATES, ADDR_TYPES, type Hook, type Space,
} from './space';

/** What the packet's trip has done to it so far. Immutable, shared between cubes. */
export interface Trip {
  /** Boolean-dimension bits of `src:L` / `dst:L` lists the packet was added to during this trip. */
  added: bigint;
  notrack: boolean;
  /** Marks set during the trip (mark index per kind), -1 when unchanged. */
  pmark: number;
  cmark: number;
  rmark: number;
  /** The rule that accepted the packet in the table being left (undefined: the chain's end). */
  by?: Rule;
}

export const NO_TRIP: Trip = Object.freeze({ added: 0n, notrack: false, pmark: -1, cmark: -1, rmark: -1 });

export class Cube {
  constructor(
    /** Enum masks, indexed by E_*. */
    readonly e: readonly bigint[],
    /** Interval sets, indexed by I_* (numbers for ports/size, bigints for addresses). */
    readonly iv: ReadonlyArray<I.ISet<number> | I.ISet<bigint>>,
    /** Boolean dimensions that must be true / false. */
    readonly bt: bigint,
    readonly bf: bigint,
    /** TCP flags that must be set / clear (bit i = FLAGS[i]). */
    readonly fon: number,
    readonly foff: number,
    readonly trip: Trip,
  ) {}

  withE(f: number, mask: bigint): Cube {
    const e = this.e.slice();
    e[f] = mask;
    return new Cube(e, this.iv, this.bt, this.bf, this.fon, this.foff, this.trip);
  }
  withI(f: number, s: I.ISet<number> | I.ISet<bigint>): Cube {
    const iv = this.iv.slice();
    iv[f] = s;
    return new Cube(this.e, iv, this.bt, this.bf, this.fon, this.foff, this.trip);
  }
  withB(bt: bigint, bf: bigint): Cube {
    return new Cube(this.e, this.iv, bt, bf, this.fon, this.foff, this.trip);
  }
  withFlags(on: number, off: number): Cube {
    return new Cube(this.e, this.iv, this.bt, this.bf, on, off, this.trip);
  }
  withTrip(t: Trip): Cube {
    return new Cube(this.e, this.iv, this.bt, this.bf, this.fon, this.foff, t);
  }
  isEmpty(): boolean {
    for (let i = 0; i < E_COUNT; i++) if (this.e[i] === 0n) return true;
    for (let i = 0; i < I_COUNT; i++) if (this.iv[i].length === 0) return true;
    return (this.bt & this.bf) !== 0n || (this.fon & this.foff) !== 0;
  }
  /** Does the cube constrain an unknown dimension (its packets only MAY be here)? */
  dependsOn(unknownMask: bigint): boolean {
    return ((this.bt | this.bf) & unknownMask) !== 0n;
  }
}

function one(f: number): number | bigint {
  return f === I_SADDR || f === I_DADDR ? 1n : 1;
}

/** Intersection of two cubes' coordinates (the trip of `a` is kept); undefined when empty. */
export function meet(a: Cube, b: Cube): Cube | undefined {
  const e: bigint[] = new Array(E_COUNT);
  for (let i = 0; i < E_COUNT; i++) {
    const m = a.e[i] & b.e[i];
    if (m === 0n) return undefined;
    e[i] = m;
  }
  const iv: Array<I.ISet<number> | I.ISet<bigint>> = new Array(I_COUNT);
  for (let i = 0; i < I_COUNT; i++) {
    const s = I.intersect(a.iv[i] as I.ISet<number>, b.iv[i] as I.ISet<number>);
    if (s.length === 0) return undefined;
    iv[i] = s;
  }
  const bt = a.bt | b.bt;
  const bf = a.bf | b.bf;
  if ((bt & bf) !== 0n) return undefined;
  const on = a.fon | b.fon;
  const off = a.foff | b.foff;
  if ((on & off) !== 0) return undefined;
  return new Cube(e, iv, bt, bf, on, off, a.trip);
}

/** a minus b (disjoint pieces, each keeping a's trip). */
export function minus(a: Cube, b: Cube): Cube[] {
  if (!meet(a, b)) return [a];
  const out: Cube[] = [];
  let rest = a;
  for (let i = 0; i < E_COUNT; i++) {
    const keep = rest.e[i] & b.e[i];
    if (keep === rest.e[i]) continue;
    out.push(rest.withE(i, rest.e[i] & ~b.e[i]));
    rest = rest.withE(i, keep);
  }
  for (let i = 0; i < I_COUNT; i++) {
    const r = rest.iv[i] as I.ISet<number>;
    const keep = I.intersect(r, b.iv[i] as I.ISet<number>);
    if (I.equal(keep, r)) continue;
    out.push(rest.withI(i, I.subtract(r, b.iv[i] as I.ISet<number>, one(i) as number)));
    rest = rest.withI(i, keep);
  }
  let need = b.bt & ~rest.bt;
  for (let bit = 0n; need !== 0n; bit++, need >>= 1n) {
    if ((need & 1n) === 0n) continue;
    const m = 1n << bit;
    out.push(rest.withB(rest.bt, rest.bf | m));
    rest = rest.withB(rest.bt | m, rest.bf);
  }
  need = b.bf & ~rest.bf;
  for (let bit = 0n; need !== 0n; bit++, need >>= 1n) {
    if ((need & 1n) === 0n) continue;
    const m = 1n << bit;
    out.push(rest.withB(rest.bt | m, rest.bf));
    rest = rest.withB(rest.bt, rest.bf | m);
  }
  for (let bit = 0; bit < 8; bit++) {
    const m = 1 << bit;
    if (b.fon & m && !(rest.fon & m)) {
      out.push(rest.withFlags(rest.fon, rest.foff | m));
      rest = rest.withFlags(rest.fon | m, rest.foff);
    }
    if (b.foff & m && !(rest.foff & m)) {
      out.push(rest.withFlags(rest.fon | m, rest.foff));
      rest = rest.withFlags(rest.fon, rest.foff | m);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sets

/** A set of packets: a union of cubes (not necessarily disjoint when merged from several paths). */
export class PacketSet {
  constructor(
    readonly space: Space,
    readonly cubes: readonly Cube[],
  ) {}
  static empty(space: Space): PacketSet {
    return new PacketSet(space, []);
  }
  isEmpty(): boolean {
    return this.cubes.length === 0;
  }
  union(o: PacketSet): PacketSet {
    if (o.cubes.length === 0) return this;
    if (this.cubes.length === 0) return o;
    return new PacketSet(this.space, [...this.cubes, ...o.cubes]);
  }
  intersect(o: PacketSet): PacketSet {
    const out: Cube[] = [];
    for (const a of this.cubes) for (const b of o.cubes) {
      const c = meet(a, b);
      if (c) out.push(c);
    }
    return new PacketSet(this.space, out);
  }
  subtract(o: PacketSet): PacketSet {
    let cur: Cube[] = this.cubes.slice();
    for (const b of o.cubes) {
      const next: Cube[] = [];
      for (const a of cur) next.push(...minus(a, b));
      cur = next;
      if (cur.length === 0) break;
    }
    return new PacketSet(this.space, cur);
  }
  /** Is every packet of this set in `o`? */
  subsetOf(o: PacketSet): boolean {
    return this.subtract(o).isEmpty();
  }
  intersects(o: PacketSet): boolean {
    for (const a of this.cubes) for (const b of o.cubes) if (meet(a, b)) return true;
    return false;
  }
  /** The packets that are here whatever the unknown conditions say (an under-approximation). */
  certain(): PacketSet {
    const u = unknownMask(this.space);
    return u === 0n ? this : new PacketSet(this.space, this.cubes.filter((c) => !c.dependsOn(u)));
  }
  /** The packets here only for some values of unknown conditions. */
  uncertain(): PacketSet {
    const u = unknownMask(this.space);
    return new PacketSet(this.space, u === 0n ? [] : this.cubes.filter((c) => c.dependsOn(u)));
  }
  /** Restricted to one hook. */
  onHook(hook: Hook): PacketSet {
    const m = 1n << BigInt(HOOKS.indexOf(hook));
    const out: Cube[] = [];
    for (const c of this.cubes) if (c.e[E_HOOK] & m) out.push(c.e[E_HOOK] === m ? c : c.withE(E_HOOK, m));
    return new PacketSet(this.space, out);
  }
  /** Does the set hold this concrete packet (see `cellOf`)? */
  has(cell: Cell): boolean {
    return this.cubes.some((c) => cubeHas(c, cell));
  }
  /** The cubes that hold the packet (to read their trips). */
  cubesWith(cell: Cell): Cube[] {
    return this.cubes.filter((c) => cubeHas(c, cell));
  }
}

const unknownMasks = new WeakMap<Space, { n: number; mask: bigint }>();
/** Bits of the space's unknown dimensions. */
export function unknownMask(space: Space): bigint {
  const c = unknownMasks.get(space);
  if (c && c.n === space.dims.length) return c.mask;
  let mask = 0n;
  for (const d of space.dims) if (d.kind === 'unknown') mask |= 1n << BigInt(d.index);
  unknownMasks.set(space, { n: space.dims.length, mask });
  return mask;
}

// ---------------------------------------------------------------------------------------------
// Cells: a concrete packet as a point of the space

/** A concrete packet at the start of its trip, in the space's coordinates. */
export interface Cell {
  /** Index in each enum domain. */
  e: number[];
  /** Value of each interval field. */
  iv: Array<number | bigint>;
  /** Value of a boolean dimension. */
  dim: (index: number) => boolean;
  /** Flag bits. */
  flags: number;
}

function cubeHas(c: Cube, cell: Cell): boolean {
  for (let i = 0; i < E_COUNT; i++) if ((c.e[i] & (1n << BigInt(cell.e[i]))) === 0n) return false;
  for (let i = 0; i < I_COUNT; i++) if (!I.has(c.iv[i] as I.ISet<number>, cell.iv[i] as number)) return false;
  if ((cell.flags & c.fon) !== c.fon || (cell.flags & c.foff) !== 0) return false;
  let bits = c.bt | c.bf;
  for (let i = 0; bits !== 0n; i++, bits >>= 1n) {
    if ((bits & 1n) === 0n) continue;
    const want = (c.bt >> BigInt(i)) & 1n;
    if (cell.dim(i) !== (want === 1n)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Universes

const full = (n: number) => (1n << BigInt(n)) - 1n;
const bit = (i: number) => 1n << BigInt(i);
const typeBits = (...ts: string[]) => ts.reduce((m, t) => m | bit(ADDR_TYPES.indexOf(t as (typeof ADDR_TYPES)[number])), 0n);
const stateBits = (...ts: string[]) => ts.reduce((m, t) => m | bit(STATES.indexOf(t as (typeof STATES)[number])), 0n);

/** Every packet of any hook, any state: the universe `covers`/`mayOverlap` compare matches in. */
export function anyCube(space: Space): Cube {
  const e = [
    full(3), space.protoFull, space.atomFull, space.atomFull, full(STATES.length), space.natMask, full(ADDR_TYPES.length),
    full(ADDR_TYPES.length), space.markFull('packet'), space.markFull('connection'), space.markFull('routing'), full(space.macs.length),
  ];
  const iv = [[-1, 65535], [-1, 65535], [0, 65535], [0n, space.addrMax], [0n, space.addrMax]] as Array<I.ISet<number> | I.ISet<bigint>>;
  return new Cube(e, iv, 0n, 0n, 0, 0, NO_TRIP);
}

/** Packets entering `hook` (see the universe facts in space.ts), as disjoint cubes. */
export function universe(space: Space, hook: Hook): Cube[] {
  const base = anyCube(space);
  const h = HOOKS.indexOf(hook);
  let c = base.withE(E_HOOK, bit(h)).withE(E_STATE, stateBits('new', 'established', 'related', 'invalid'));
  c = c.withE(E_PMARK, bit(0)).withE(E_RMARK, bit(0));
  const none = bit(0);
  const ifaces = space.atomFull & ~none;
  if (hook === 'input') c = c.withE(E_IN, ifaces).withE(E_OUT, none);
  else if (hook === 'output') c = c.withE(E_IN, none).withE(E_OUT, ifaces);
  else c = c.withE(E_IN, ifaces).withE(E_OUT, ifaces);
  if (hook === 'input') c = c.withE(E_STYPE, typeBits('unicast', 'local')).withE(E_DTYPE, typeBits('local', 'broadcast', 'multicast'));
  else if (hook === 'forward') c = c.withE(E_STYPE, typeBits('unicast')).withE(E_DTYPE, typeBits('unicast', 'multicast'));
  else c = c.withE(E_STYPE, typeBits('local')).withE(E_DTYPE, typeBits('unicast', 'local', 'broadcast', 'multicast'));
  const portProtos = space.portProtoMask();
  const tcp = space.protoMask('tcp')!;
  const withPorts = c.withI(I_SPORT, [0, 65535]).withI(I_DPORT, [0, 65535]);
  const noPorts = c.withE(E_PROTO, space.protoFull & ~portProtos).withI(I_SPORT, [-1, -1]).withI(I_DPORT, [-1, -1]);
  const out: Cube[] = [];
  if (hook === 'input') {
    // TCP is never sent to a broadcast or multicast address
    out.push(withPorts.withE(E_PROTO, tcp).withE(E_DTYPE, typeBits('local')));
    out.push(withPorts.withE(E_PROTO, portProtos & ~tcp));
  } else out.push(withPorts.withE(E_PROTO, portProtos));
  out.push(noPorts);
  return out;
}

// Enum helpers for match.ts
export { bit, full, typeBits, stateBits };
export const FIELD = { E_HOOK, E_PROTO, E_IN, E_OUT, E_STATE, E_NAT, E_DTYPE, E_STYPE, E_PMARK, E_CMARK, E_RMARK, E_MAC, I_SPORT, I_DPORT, I_SIZE, I_SADDR, I_DADDR };
