// Questions about new connections from the WAN, asked of the one semantics (server/src/semantics):
// which packets they are (a set in the family's space), which of them come from any source (not only
// from an address list's members or a few addresses), and how to say what a set leaves open.
// Nothing here decides whether a packet matches a rule: sets are built from the space's atoms and
// cut with compiled matches; the verdicts come from `reachOf`.

import type { Cube } from '../../semantics/sets';
import { matchOf } from '../../semantics/match';
import { E_IN, E_PROTO, E_STATE, I_DPORT, I_SADDR, OTHER, STATES, type Space } from '../../semantics/space';
import type { Match } from '../../model/types';
import type { WanView } from '../../model/wan';

/** The in-interface atoms that are WAN, and which of them the script names. */
export function wanAtoms(space: Space, wan: WanView): { mask: bigint; named: number[] } {
  const none = 1n; // atom 0: no interface
  let mask = 0n;
  switch (wan.basis) {
    case 'env':
    case 'list':
      for (const l of wan.lists) mask |= space.listMask(l);
      break;
    case 'route':
      for (const i of wan.interfaces) mask |= space.atomMask(i) ?? 0n;
      // The firewall never names the route's interface: it is one of those no rule tells apart.
      if (mask === 0n) mask = 1n << 1n;
      break;
    case 'not-lan': {
      let lan = 0n;
      for (const l of wan.lanLists) lan |= space.listMask(l);
      mask = space.atomFull & ~none & ~lan;
      break;
    }
    case 'all':
      mask = space.atomFull & ~none;
      break;
  }
  mask &= ~none;
  const named: number[] = [];
  space.atoms.forEach((a, i) => {
    if (a.named && mask & (1n << BigInt(i))) named.push(i);
  });
  return { mask, named };
}

// Loopback addresses never arrive from an outside interface (the kernel drops such martians).
const NOT_LOOPBACK4: Match = {
  srcAddress: { negated: true, value: '127.0.0.0/8' },
  dstAddress: { negated: true, value: '127.0.0.0/8' },
  other: {},
};
const NOT_LOOPBACK6: Match = { srcAddress: { negated: true, value: '::1/128' }, dstAddress: { negated: true, value: '::1/128' }, other: {} };

/** The part of `cubes` that is the first packet of a new connection arriving on a WAN atom. */
export function newFromWan(space: Space, cubes: readonly Cube[], wanMask: bigint): Cube[] {
  const onWan: Cube[] = [];
  for (const c of cubes) {
    const m = c.e[E_IN] & wanMask;
    if (m !== 0n) onWan.push(m === c.e[E_IN] ? c : c.withE(E_IN, m));
  }
  // New at the start of the trip: a raw `notrack` later makes them untracked, they stay new connections.
  const newBit = 1n << BigInt(STATES.indexOf('new'));
  const fresh: Cube[] = [];
  for (const c of onWan) {
    const m = c.e[E_STATE] & newBit;
    if (m !== 0n) fresh.push(m === c.e[E_STATE] ? c : c.withE(E_STATE, m));
  }
  return matchOf(space, space.v6 ? NOT_LOOPBACK6 : NOT_LOOPBACK4).split(fresh).yes;
}

/**
 * True when the opening proves nothing about the WAN: no WAN interface the script names is open, and
 * the script drops new connections on some of them, so the only open ones are interfaces it never
 * names (ones the router may have, or may add to a list).
 */
export function onlyUnnamedOpen(open: readonly Cube[], named: readonly number[], droppedNew: readonly Cube[]): boolean {
  if (named.length === 0) return false;
  const atoms = atomsOf(open);
  if (named.some((i) => atoms & (1n << BigInt(i)))) return false;
  const dropped = atomsOf(droppedNew);
  return named.some((i) => dropped & (1n << BigInt(i)));
}

/**
 * When the WAN is only assumed (every interface, or every interface not in a LAN list) and the script
 * drops new connections on some interfaces, those are the WAN it has in mind: the atoms of `mask` on
 * which some new connection is dropped. Otherwise `mask` itself.
 */
export function evidentWan(space: Space, wan: WanView, verdicts: Parameters<typeof droppedFromWan>[1], mask: bigint): bigint {
  if (wan.basis !== 'all' && wan.basis !== 'not-lan') return mask;
  const dropped = atomsOf(droppedFromWan(space, verdicts, mask)) & mask;
  return dropped !== 0n ? dropped : mask;
}

/** New connections from the WAN that the input hook drops, rejects or tarpits. */
export function droppedFromWan(space: Space, verdicts: { drop: { cubes: readonly Cube[] }; reject: { cubes: readonly Cube[] }; tarpit: { cubes: readonly Cube[] } }, wanMask: bigint): Cube[] {
  return newFromWan(space, [...verdicts.drop.cubes, ...verdicts.reject.cubes, ...verdicts.tarpit.cubes], wanMask);
}

/** Bits of the dimensions that limit who may send: source address lists, opaque properties. */
export function limitingDims(space: Space): bigint {
  let m = 0n;
  for (const d of space.dims) if ((d.kind === 'list' && d.src) || d.kind === 'opaque') m |= 1n << BigInt(d.index);
  return m;
}

/**
 * The cubes any source may send: not requiring membership of a source address list (or an opaque
 * property such as an IPsec policy), and not limited to a few source addresses (at least half of the
 * family's addresses).
 */
export function fromAnySource(space: Space, cubes: readonly Cube[]): Cube[] {
  const limiting = limitingDims(space);
  const half = space.addrMax / 2n;
  return cubes.filter((c) => {
    if ((c.bt & limiting) !== 0n) return false;
    const s = c.iv[I_SADDR] as readonly bigint[];
    let size = 0n;
    for (let i = 0; i < s.length; i += 2) size += s[i + 1] - s[i] + 1n;
    return size > half;
  });
}

/** Interface atoms present in the cubes. */
export function atomsOf(cubes: readonly Cube[]): bigint {
  let m = 0n;
  for (const c of cubes) m |= c.e[E_IN];
  return m;
}

/** The destination ports of `proto` in the cubes (flat interval pairs), or undefined when none. */
export function portsOf(space: Space, cubes: readonly Cube[], proto: string): Array<[number, number]> {
  const bit = space.protoMask(proto);
  if (bit === undefined) return [];
  const ranges: Array<[number, number]> = [];
  for (const c of cubes) {
    if ((c.e[E_PROTO] & bit) === 0n) continue;
    const p = c.iv[I_DPORT] as readonly number[];
    for (let i = 0; i < p.length; i += 2) if (p[i + 1] >= 0) ranges.push([Math.max(0, p[i]), p[i + 1]]);
  }
  ranges.sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push([r[0], r[1]]);
  }
  return out;
}

const PORT_PROTOS = ['tcp', 'udp', 'udp-lite', 'sctp', 'dccp'];

function complementOf(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let cur = 0;
  for (const [a, b] of ranges) {
    if (a > cur) out.push([cur, a - 1]);
    cur = b + 1;
  }
  if (cur <= 65535) out.push([cur, 65535]);
  return out;
}

function portText(ranges: Array<[number, number]>): string {
  if (ranges.length === 1 && ranges[0][0] === 0 && ranges[0][1] === 65535) return 'every port';
  const rest = complementOf(ranges);
  if (rest.length < ranges.length) {
    return `every port except ${rest.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).slice(0, 8).join(', ')}${rest.length > 8 ? ', ...' : ''}`;
  }
  const parts = ranges.map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  const shown = parts.slice(0, 8).join(', ');
  return `port${parts.length === 1 && ranges[0][0] === ranges[0][1] ? '' : 's'} ${shown}${parts.length > 8 ? ', ...' : ''}`;
}

/**
 * What the cubes hold, by protocol: "every protocol and port", "every protocol except tcp",
 * "tcp ports 22, 8291, icmp", "every protocol except tcp, udp; udp port 53".
 */
export function describeOpen(space: Space, cubes: readonly Cube[]): string {
  let protoMask = 0n;
  for (const c of cubes) protoMask |= c.e[E_PROTO];
  const full: string[] = [];
  const partial: string[] = [];
  const closed: string[] = [];
  const foreign = space.v6 ? 'icmp' : 'icmpv6';
  let otherOpen = false;
  for (let i = 0; i <= space.protocols.length; i++) {
    const name = i === space.protocols.length ? OTHER : space.protocols[i];
    const present = (protoMask & (1n << BigInt(i))) !== 0n;
    if (name === OTHER) {
      otherOpen = present;
      continue;
    }
    if (name === foreign) continue;
    if (!present) {
      closed.push(name);
      continue;
    }
    if (!PORT_PROTOS.includes(name)) {
      full.push(name);
      continue;
    }
    const ports = portsOf(space, cubes, name);
    if (ports.length === 0) {
      closed.push(name);
      continue;
    }
    const t = portText(ports);
    if (t === 'every port') full.push(name);
    else partial.push(`${name} ${t}`);
  }
  if (otherOpen) {
    const except = [...closed, ...partial.map((p) => p.split(' ')[0])];
    if (except.length === 0) return 'every protocol and port';
    return [`every protocol except ${except.join(', ')}`, ...partial].join('; ');
  }
  return [...partial, ...full.map((n) => (PORT_PROTOS.includes(n) ? `${n} every port` : n))].join(', ');
}
