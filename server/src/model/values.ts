// Parsing of RouterOS property values the model and the checks reason about: port sets, durations,
// addresses (IPv4/IPv6 with prefixes and ranges), packet sizes. Pure functions; invalid text gives
// `undefined`, never an exception.

import type { PortSet, Timeout } from './types';

/**
 * `21,22,1000-2000` -> [[21,21],[22,22],[1000,2000]]. Numbers above 65535 are kept (the invalid-value
 * check reports them; see `portSetProblems`). Undefined when the text is not a port list at all
 * (empty items, names, dynamic text). A leading `!` is NOT accepted here: callers strip negation.
 */
export function parsePortSet(text: string): PortSet | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const out: PortSet = [];
  for (const item of t.split(',')) {
    const m = /^\s*(\d{1,10})\s*(?:-\s*(\d{1,10})\s*)?$/.exec(item);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] === undefined ? lo : Number(m[2]);
    out.push(lo <= hi ? [lo, hi] : [hi, lo]);
  }
  return out;
}

/** Human-readable problems of a port list (`70000` above 65535, reversed range...). Empty when fine. */
export function portSetProblems(text: string): string[] {
  const t = text.trim().replace(/^!/, '');
  const problems: string[] = [];
  for (const item of t.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!m) {
      problems.push(`"${item}" is not a port or a port range`);
      continue;
    }
    for (const n of [m[1], m[2]]) {
      if (n !== undefined && Number(n) > 65535) problems.push(`port ${n} is above 65535`);
    }
    if (m[2] !== undefined && Number(m[2]) < Number(m[1])) problems.push(`range ${item} is reversed`);
  }
  return problems;
}

/** Every port of a set, ascending, without duplicates (capped: ranges wider than `cap` are skipped). */
export function portsOf(set: PortSet, cap = 64): number[] {
  const out = new Set<number>();
  for (const [lo, hi] of set) {
    if (hi - lo + 1 > cap) continue;
    for (let p = lo; p <= hi; p++) out.add(p);
  }
  return [...out].sort((a, b) => a - b);
}

const UNIT_SECONDS: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/**
 * RouterOS durations: `30s`, `1m30s`, `4w2d`, `1000m`, `500ms`, `00:30:00`, `1d 02:00:00`, a bare number
 * (seconds), and the no-timeout keywords `none-dynamic` / `none-static`. Undefined when not a duration.
 */
export function parseTimeout(text: string): Timeout | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'none-dynamic' || t === 'none-static') return t;
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  let rest = t;
  let total = 0;
  // optional `1d` / `2w3d` prefix before an hh:mm:ss part
  const clock = /(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(rest);
  if (clock) {
    total += Number(clock[1]) * 3600 + Number(clock[2]) * 60 + Number(clock[3]);
    rest = rest.slice(0, clock.index).trim();
  }
  if (rest === '') return clock ? total : undefined;
  const re = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(rest)) !== null) {
    total += Number(m[1]) * UNIT_SECONDS[m[2]];
    consumed = re.lastIndex;
  }
  if (consumed !== rest.length) return undefined;
  return total;
}

/**
 * An address-list timeout (`address-list-timeout=` of a rule, `timeout=` of a list entry) as RouterOS
 * applies it: RouterOS 6's `0s` (any zero duration) means "no timeout" and is v7's `none-dynamic` (the
 * entry lives until reboot); `none-static` keeps it across reboots. The checks and the simulator both
 * read this value, so a zero never becomes a zero-second life.
 */
export function listTimeout(text: string): Timeout | undefined {
  const t = parseTimeout(text);
  return t === 0 ? 'none-dynamic' : t;
}

/** `1m30s` style text for a number of seconds (for messages and fixes). */
export function formatSeconds(seconds: number): string {
  if (seconds === 0) return '0s';
  let s = seconds;
  let out = '';
  for (const [u, n] of [['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= n) {
      const k = Math.floor(s / n);
      out += `${k}${u}`;
      s -= k * n;
    }
  }
  if (s > 0) out += `${Math.round(s * 1000)}ms`;
  return out;
}

// ---------------------------------------------------------------------------------------------
// Addresses

export interface AddressRange {
  v6: boolean;
  lo: bigint;
  hi: bigint;
}

function parseIPv4(t: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t);
  if (!m) return undefined;
  let v = 0n;
  for (let i = 1; i <= 4; i++) {
    const n = Number(m[i]);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

function parseIPv6(t: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(t) || !t.includes(':')) return undefined;
  let text = t;
  let tail: bigint[] = [];
  // embedded IPv4 at the end (::ffff:1.2.3.4)
  const v4 = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (v4) {
    const n = parseIPv4(v4[1]);
    if (n === undefined) return undefined;
    tail = [(n >> 16n) & 0xffffn, n & 0xffffn];
    text = text.slice(0, v4.index) + (text.endsWith('::' + v4[1]) ? '' : '0');
    if (text.endsWith(':0')) text = text.slice(0, -2);
    else if (text.endsWith(':')) text = text.slice(0, -1);
  }
  const parts = text.split('::');
  if (parts.length > 2) return undefined;
  const head = parts[0] === '' ? [] : parts[0].split(':');
  const back = parts.length === 2 ? (parts[1] === '' ? [] : parts[1].split(':')) : [];
  const groups: bigint[] = [];
  for (const g of [...head]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(BigInt('0x' + g));
  }
  const backGroups: bigint[] = [];
  for (const g of back) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    backGroups.push(BigInt('0x' + g));
  }
  const total = groups.length + backGroups.length + tail.length;
  if (parts.length === 1 && total !== 8) return undefined;
  if (parts.length === 2 && total > 7) return undefined;
  const all = [...groups, ...Array(8 - total).fill(0n), ...backGroups, ...tail];
  let v = 0n;
  for (const g of all) v = (v << 16n) | g;
  return v;
}

function parseIp(t: string): { v6: boolean; value: bigint } | undefined {
  const a = parseIPv4(t);
  if (a !== undefined) return { v6: false, value: a };
  const b = parseIPv6(t);
  if (b !== undefined) return { v6: true, value: b };
  return undefined;
}

/**
 * `10.0.0.1`, `10.0.0.0/8`, `10.0.0.1-10.0.0.9`, `2001:db8::/32` -> the inclusive range of addresses.
 * Undefined for host names and anything else (consumers treat those as unknown).
 */
export function parseAddress(text: string): AddressRange | undefined {
  const t = text.trim();
  const dash = t.indexOf('-');
  if (dash > 0) {
    const a = parseIp(t.slice(0, dash).trim());
    const b = parseIp(t.slice(dash + 1).trim());
    if (!a || !b || a.v6 !== b.v6) return undefined;
    return a.value <= b.value ? { v6: a.v6, lo: a.value, hi: b.value } : { v6: a.v6, lo: b.value, hi: a.value };
  }
  const slash = t.indexOf('/');
  const ipText = slash >= 0 ? t.slice(0, slash) : t;
  const ip = parseIp(ipText);
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  let prefix = bits;
  if (slash >= 0) {
    const p = t.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return undefined;
    prefix = Number(p);
    if (prefix > bits) return undefined;
  }
  const hostBits = BigInt(bits - prefix);
  const mask = (1n << hostBits) - 1n;
  const lo = ip.value & ~mask;
  return { v6: ip.v6, lo, hi: lo | mask };
}

/** `100-200` or `100` -> [lo, hi]; undefined otherwise. */
export function parseNumberRange(text: string): [number, number] | undefined {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) return undefined;
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  return lo <= hi ? [lo, hi] : [hi, lo];
}

/** Well-known protocol numbers RouterOS accepts in `protocol=` as their names. */
const PROTOCOL_NUMBERS: Record<string, string> = {
  '1': 'icmp',
  '2': 'igmp',
  '6': 'tcp',
  '17': 'udp',
  '41': 'ipv6-encap',
  '47': 'gre',
  '50': 'ipsec-esp',
  '51': 'ipsec-ah',
  '58': 'icmpv6',
  '89': 'ospf',
  '132': 'sctp',
};

/** `6` -> `tcp`, `TCP` -> `tcp`; names are kept. */
export function normalizeProtocol(text: string): string {
  const t = text.trim().toLowerCase();
  return PROTOCOL_NUMBERS[t] ?? t;
}

/** RouterOS boolean words. Undefined when not a boolean. */
export function parseBool(text: string | undefined): boolean | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === 'yes' || t === 'true') return true;
  if (t === 'no' || t === 'false') return false;
  return undefined;
}
