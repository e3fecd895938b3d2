// The packet language of `rsc-lint simulate`: a list of steps read left to right.
//
//   tcp:7342                     a TCP connection attempt (SYN) to port 7342
//   udp:4519,payload=passphrase  a UDP datagram to port 4519 carrying "passphrase"
//   tcp:22,state=established     modifiers: payload=, state=, size=, from=, to=, in=, sport=, flags=
//   icmp  icmp,type=3,code=3     ICMP (echo request by default)
//   +2s  +500ms  +1m30s          wait before the next packet (replaces the default wait)
//   @10s                         send the next packet at this absolute time
//
// Packets without a `+`/`@` before them come `gap` seconds after the previous one (default 1 s). The
// first packet is at 0 s. Pure: bad text gives a SpecError with a message that says what to write.

import { parseTimeout } from '../model/values';
import type { ConnState, SimPacket } from './types';

export class SpecError extends Error {
  override name = 'SpecError';
}

const STATES: ConnState[] = ['new', 'established', 'related', 'invalid', 'untracked'];
const PROTOCOLS = new Set(['tcp', 'udp', 'icmp', 'icmpv6', 'udp-lite', 'sctp', 'dccp', 'gre']);

function duration(text: string, token: string): number {
  const t = parseTimeout(text);
  if (typeof t !== 'number') throw new SpecError(`"${token}": "${text}" is not a duration (write 2s, 500ms, 1m30s)`);
  return t;
}

function port(text: string, token: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) throw new SpecError(`"${token}": "${text}" is not a port (0-65535)`);
  return Number(text);
}

/** One packet step (`tcp:7342,payload=x`) into a packet without time and source. */
export function parsePacketSpec(token: string): Omit<SimPacket, 'time' | 'src'> & { src?: string } {
  const [head, ...mods] = token.split(',');
  const m = /^([a-z0-9-]+)(?::(.*))?$/i.exec(head.trim());
  if (!m) throw new SpecError(`"${token}" is not a packet: write PROTOCOL:PORT, e.g. tcp:7342 or udp:4519,payload=secret`);
  const protocol = m[1].toLowerCase();
  if (!PROTOCOLS.has(protocol) && !/^\d+$/.test(protocol)) {
    throw new SpecError(`"${token}": unknown protocol "${m[1]}" (tcp, udp, icmp, icmpv6, sctp, gre or a number)`);
  }
  const p: Omit<SimPacket, 'time' | 'src'> & { src?: string } = { protocol };
  if (m[2] !== undefined && m[2] !== '') {
    if (protocol === 'icmp' || protocol === 'icmpv6') {
      const im = /^(\d+)(?::(\d+))?$/.exec(m[2]);
      if (!im) throw new SpecError(`"${token}": write icmp:TYPE or icmp:TYPE:CODE`);
      p.icmp = { type: Number(im[1]), code: Number(im[2] ?? 0) };
    } else p.dstPort = port(m[2], token);
  } else if (protocol === 'tcp' || protocol === 'udp') {
    throw new SpecError(`"${token}": a ${protocol} packet needs a port: ${protocol}:PORT`);
  }
  for (const mod of mods) {
    const eq = mod.indexOf('=');
    if (eq <= 0) throw new SpecError(`"${token}": "${mod}" is not KEY=VALUE (payload=, state=, size=, from=, to=, in=, sport=, flags=, type=, code=)`);
    const key = mod.slice(0, eq).trim().toLowerCase();
    const value = mod.slice(eq + 1);
    switch (key) {
      case 'payload':
        p.payload = value;
        break;
      case 'state':
        if (!STATES.includes(value as ConnState)) throw new SpecError(`"${token}": state must be one of ${STATES.join(', ')}`);
        p.state = value as ConnState;
        break;
      case 'size':
        if (!/^\d+$/.test(value)) throw new SpecError(`"${token}": size must be a number of bytes`);
        p.size = Number(value);
        break;
      case 'from':
        p.src = value;
        break;
      case 'to':
        p.dst = value;
        break;
      case 'in':
        p.inInterface = value;
        break;
      case 'sport':
        p.srcPort = port(value, token);
        break;
      case 'flags':
        p.tcpFlags = value.split('+').map((f) => f.trim().toLowerCase()).filter((f) => f !== '');
        break;
      case 'type':
      case 'code': {
        if (!/^\d+$/.test(value)) throw new SpecError(`"${token}": ${key} must be a number`);
        const icmp = p.icmp ?? { type: 8, code: 0 };
        icmp[key] = Number(value);
        p.icmp = icmp;
        break;
      }
      default:
        throw new SpecError(`"${token}": unknown modifier "${key}" (payload, state, size, from, to, in, sport, flags, type, code)`);
    }
  }
  return p;
}

/**
 * Steps -> timed packets. `base` supplies what a step does not say (source, interface, destination).
 * Throws SpecError on the first bad step.
 */
export function parseSteps(tokens: readonly string[], base: Omit<SimPacket, 'time' | 'protocol'>, gap = 1): SimPacket[] {
  const out: SimPacket[] = [];
  let time = 0;
  let pendingWait: number | undefined;
  let pendingAt: number | undefined;
  for (const token of tokens) {
    const t = token.trim();
    if (t === '') continue;
    if (t.startsWith('+')) {
      pendingWait = (pendingWait ?? 0) + duration(t.slice(1), t);
      continue;
    }
    if (t.startsWith('@')) {
      pendingAt = duration(t.slice(1), t);
      continue;
    }
    const spec = parsePacketSpec(t);
    if (out.length > 0 || pendingWait !== undefined || pendingAt !== undefined) {
      if (pendingAt !== undefined) {
        if (pendingAt < time) throw new SpecError(`"@${pendingAt}s" is earlier than the previous packet (${time}s): times must not go back`);
        time = pendingAt;
      } else time += pendingWait ?? (out.length > 0 ? gap : 0);
    }
    pendingWait = undefined;
    pendingAt = undefined;
    out.push({ ...base, ...spec, src: spec.src ?? base.src, time });
  }
  if (pendingWait !== undefined || pendingAt !== undefined) {
    // a trailing wait: a final "tick" is meaningful for expiry reports; keep it as the end time
    const end = pendingAt ?? time + (pendingWait ?? 0);
    (out as SimPacket[] & { end?: number }).end = end;
  }
  return out;
}

/** The time after the last step (a trailing `+30s` moves it past the last packet). */
export function endTime(packets: SimPacket[]): number {
  const end = (packets as SimPacket[] & { end?: number }).end;
  return end ?? (packets.length > 0 ? packets[packets.length - 1].time : 0);
}
