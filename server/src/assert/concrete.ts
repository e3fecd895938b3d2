// One concrete packet out of a set of packets (a cube of the semantics), for a counterexample that the
// simulator can replay: the packet, the address-list entries it finds (a cube may require its source
// in a list), and the values taken by conditions the script cannot know. The caller replays it and
// checks with `cellOf` that the packet really lies in the set: whatever this file cannot express
// (a NAT state, a layer7 payload) makes that check fail, and the next cube is tried.

import type { Family, Rule } from '../model/types';
import { parseAddress } from '../model/values';
import { type Cube, HOOKS, type Space } from '../semantics';
import * as I from '../semantics/iset';
import {
  ADDR_TYPES, E_DTYPE, E_HOOK, E_IN, E_MAC, E_OUT, E_PROTO, E_STATE, E_STYPE, FLAGS, I_DADDR, I_DPORT, I_SADDR, I_SIZE,
  I_SPORT, matchId, PORT_PROTOCOLS, STATES,
} from '../semantics/space';
import { defaultDst } from '../simulate/engine';
import { KNOCK_SOURCE } from '../simulate/knock';
import type { SimPacket } from '../simulate/types';

export interface ConcretePacket {
  packet: SimPacket;
  /** Address lists holding the packet's source (`src`) or destination before it arrives. */
  seeds: Array<{ list: string; address: string }>;
  /** Values of unknown conditions and unmodelled packet properties (dimension key -> value) on this packet's path. */
  unknowns: Map<string, boolean>;
}

/** The simulator's `assume` for a concrete packet: the cube's values of unknown conditions. */
export function assumeOf(unknowns: ReadonlyMap<string, boolean>): (rule: Rule, label: string) => boolean {
  return (rule, label) => unknowns.get(`u:${matchId(rule.match)}:${label}`) ?? unknowns.get(`x:${label}`) ?? false;
}

function bits(mask: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; mask !== 0n; i++, mask >>= 1n) if (mask & 1n) out.push(i);
  return out;
}

/** The first of `prefer` that the mask allows, else its lowest bit. */
function pick(mask: bigint, prefer: number[]): number | undefined {
  for (const p of prefer) if (p >= 0 && (mask >> BigInt(p)) & 1n) return p;
  return bits(mask)[0];
}

export function formatAddress(v: bigint, v6: boolean): string {
  if (!v6) return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 255n)).join('.');
  const groups: string[] = [];
  for (let i = 7; i >= 0; i--) groups.push(((v >> BigInt(i * 16)) & 0xffffn).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::').replace(/:::+/, '::');
}

/** Addresses tried in turn: documentation ranges first, then public ones (bogon lists hold the former). */
const CANDIDATES: Record<Family, string[]> = {
  ip: ['1.2.3.4', '8.8.4.4', '93.184.216.34', '45.33.32.156'],
  ipv6: ['2a00:1450:4001::7', '2606:4700::1111', '2001:4860::8844'],
};

/**
 * An address of `set`: `preferred` when it is there, else a candidate, else hosts of the set's ranges;
 * never one inside `avoid` (static entries of address lists the packet must not be in).
 */
function pickAddress(set: I.ISet<bigint>, preferred: string, family: Family, avoid: ReadonlyArray<readonly [bigint, bigint]>): string | undefined {
  const v6 = family === 'ipv6';
  const ok = (v: bigint) => I.has(set, v) && !avoid.some(([lo, hi]) => v >= lo && v <= hi);
  for (const text of [preferred, ...CANDIDATES[family]]) {
    const p = parseAddress(text);
    if (p && p.v6 === v6 && ok(p.lo)) return text;
  }
  for (let i = 0; i < set.length && i < 32; i += 2) {
    const lo = set[i];
    const hi = set[i + 1];
    for (const v of [lo + 1n, lo, hi - 1n, hi, lo + 7n, (lo + hi) / 2n]) if (v >= lo && v <= hi && ok(v)) return formatAddress(v, v6);
  }
  return undefined;
}

/** Static entries (ranges) of an address list of the model. */
function staticRanges(space: Space, list: string): Array<[bigint, bigint]> {
  const l = space.model.addressLists.get(`${space.family} ${list}`);
  const out: Array<[bigint, bigint]> = [];
  for (const e of l?.entries ?? []) {
    if (e.disabled) continue;
    const r = parseAddress(e.address);
    if (r) out.push([r.lo, r.hi]);
  }
  return out;
}

function pickNumber(set: I.ISet<number>, prefer: number[]): number | undefined {
  for (const p of prefer) if (I.has(set, p)) return p;
  for (let i = 0; i < set.length; i += 2) if (set[i + 1] >= 1) return Math.max(1, set[i]);
  for (let i = 0; i < set.length; i += 2) if (set[i + 1] >= 0) return Math.max(0, set[i]);
  return undefined;
}

/** A packet of `cube` in `space`'s coordinates, or undefined when the cube holds none this can express. */
export function concretize(space: Space, cube: Cube, family: Family): ConcretePacket | undefined {
  const v6 = family === 'ipv6';
  const hookI = pick(cube.e[E_HOOK], []);
  if (hookI === undefined) return undefined;
  const hook = HOOKS[hookI];
  const protos = space.protocols;
  const protoI = pick(cube.e[E_PROTO], ['tcp', 'udp', v6 ? 'icmpv6' : 'icmp'].map((p) => protos.indexOf(p)));
  if (protoI === undefined) return undefined;
  let protocol = protoI < protos.length ? protos[protoI] : '253';
  const packet: SimPacket = { time: 0, src: '', protocol, hook };
  const unknowns = new Map<string, boolean>();
  const seeds: Array<{ list: string; address: string; src: boolean }> = [];

  const iface = (mask: bigint, out: boolean): boolean => {
    const named = bits(mask).filter((i) => space.atoms[i].named);
    const i = named[0] ?? pick(mask, []);
    if (i === undefined) return false;
    const a = space.atoms[i];
    let name: string | undefined;
    let lists: string[] | undefined;
    if (a.named) name = a.label;
    else if (a.label === '(none)') name = undefined;
    else if (a.label === '~') name = out ? 'other-out-if' : 'other-in-if';
    else {
      const l = a.label.slice(1);
      name = `${l}-port`;
      lists = [l];
    }
    if (out) {
      packet.outInterface = name;
      if (lists) packet.outInterfaceLists = lists;
    } else {
      packet.inInterface = name;
      if (lists) packet.inInterfaceLists = lists;
    }
    return true;
  };
  if (!iface(cube.e[E_IN], false)) return undefined;
  // through the router: out another interface than in, when the cube allows one
  const inAtom = packet.inInterface !== undefined ? space.namedAtom(packet.inInterface) : undefined;
  const outMask = inAtom !== undefined && cube.e[E_OUT] !== 1n << BigInt(inAtom) ? cube.e[E_OUT] & ~(1n << BigInt(inAtom)) : cube.e[E_OUT];
  if (!iface(outMask, true)) return undefined;

  const stateI = pick(cube.e[E_STATE], [0]);
  if (stateI === undefined) return undefined;
  packet.state = STATES[stateI];
  const types = ADDR_TYPES as readonly string[];
  const dt = pick(cube.e[E_DTYPE], [types.indexOf(hook === 'input' ? 'local' : 'unicast'), types.indexOf('unicast'), types.indexOf('broadcast'), types.indexOf('multicast')]);
  const st = pick(cube.e[E_STYPE], [types.indexOf(hook === 'output' ? 'local' : 'unicast'), types.indexOf('unicast'), types.indexOf('local')]);
  if (dt === undefined || st === undefined) return undefined;
  const dtype = types[dt];
  const stype = types[st];
  if (!['unicast', 'local', 'broadcast', 'multicast'].includes(dtype) || !['unicast', 'local', 'broadcast', 'multicast'].includes(stype)) return undefined;
  packet.dstAddressType = dtype as SimPacket['dstAddressType'];
  packet.srcAddressType = stype as SimPacket['srcAddressType'];
  const macI = pick(cube.e[E_MAC], [0]);
  if (macI !== undefined && macI > 0) packet.srcMac = space.macs[macI];

  // addresses outside the static entries of every list the cube says they are not in
  const avoidSrc: Array<[bigint, bigint]> = [];
  const avoidDst: Array<[bigint, bigint]> = [];
  let off = cube.bf;
  for (let i = 0; off !== 0n; i++, off >>= 1n) {
    const d = space.dims[i];
    if ((off & 1n) && d.kind === 'list') (d.src ? avoidSrc : avoidDst).push(...staticRanges(space, d.list!));
  }
  const src = pickAddress(cube.iv[I_SADDR] as I.ISet<bigint>, KNOCK_SOURCE[family], family, avoidSrc);
  const dst = pickAddress(cube.iv[I_DADDR] as I.ISet<bigint>, hook === 'forward' ? (v6 ? '2001:db8:10::10' : '192.0.2.10') : defaultDst(family), family, avoidDst);
  if (src === undefined || dst === undefined) return undefined;
  packet.src = src;
  packet.dst = dst;

  // boolean dimensions: list membership, unknown conditions, free interface lists, a few opaque ones
  let set = cube.bt | cube.bf;
  for (let i = 0; set !== 0n; i++, set >>= 1n) {
    if ((set & 1n) === 0n) continue;
    const want = ((cube.bt >> BigInt(i)) & 1n) === 1n;
    const d = space.dims[i];
    if (d.kind === 'list') {
      if (want) seeds.push({ list: d.list!, address: '', src: d.src! });
    } else if (d.kind === 'unknown') unknowns.set(d.key, want);
    else if (d.kind === 'iflist') {
      const m = /^(in|out)-list:(.*)$/.exec(d.key);
      if (m && want) {
        const k = m[1] === 'in' ? 'inInterfaceLists' : 'outInterfaceLists';
        packet[k] = [...(packet[k] ?? []), m[2]];
      }
    } else if (d.kind === 'opaque' && !d.test) {
      // a packet property not modelled (ipsec-policy=, connection-limit=): the simulator assumes it
      unknowns.set(d.key, want);
    } else if (d.kind === 'opaque' && want) {
      const m = /^([a-z0-9-]+)=(.*)$/.exec(d.label ?? '');
      if (m?.[1] === 'in-interface') packet.inInterface = m[2];
      else if (m?.[1] === 'out-interface') packet.outInterface = m[2];
      else if (m?.[1] === 'protocol') protocol = packet.protocol = m[2];
      else if (m?.[1] === 'content' && protocol !== 'tcp') packet.payload = m[2];
      else if (m?.[1] === 'icmp-options') {
        const im = /^(\d+)(?:-\d+)?(?::(\d+))?/.exec(m[2]);
        if (im) packet.icmp = { type: Number(im[1]), code: Number(im[2] ?? 0) };
      }
    }
  }

  if (PORT_PROTOCOLS.has(protocol)) {
    const dport = pickNumber(cube.iv[I_DPORT] as I.ISet<number>, [443, 80, 53, 22, 8291, 123, 1024]);
    const sport = pickNumber(cube.iv[I_SPORT] as I.ISet<number>, [40000]);
    if (dport === undefined || sport === undefined) return undefined;
    packet.dstPort = dport;
    packet.srcPort = sport;
  }
  if (protocol === 'tcp') {
    const on = new Set<string>();
    FLAGS.forEach((f, i) => {
      if (cube.fon & (1 << i)) on.add(f);
    });
    const off = (f: string) => (cube.foff & (1 << FLAGS.indexOf(f as (typeof FLAGS)[number]))) !== 0;
    if (packet.state === 'new' && !off('syn')) on.add('syn');
    else if (packet.state !== 'new' && !off('ack')) on.add('ack');
    packet.tcpFlags = [...on];
  }
  const sizes = cube.iv[I_SIZE] as I.ISet<number>;
  if (!(sizes.length === 2 && sizes[0] === 0 && sizes[1] === 65535)) {
    const size = pickNumber(sizes, [60, 40, 28, 84]);
    if (size === undefined) return undefined;
    packet.size = size;
  }
  return {
    packet,
    seeds: seeds.map((s) => ({ list: s.list, address: s.src ? packet.src : packet.dst! })),
    unknowns,
  };
}
