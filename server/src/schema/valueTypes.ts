// Value types as RouterOS describes them in its command tree (`desc`), and parsers for the literal
// values a script writes. Shared by scripts/gen-schema.ts (which stores the parsed types in the table)
// and the invalid-value check. Pure.

/** A `desc` text parsed; enums carry their values (the generator interns them). */
export type ParsedType =
  | { kind: 'time'; min: number | null; max: number | null }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'ip' | 'ip-prefix' | 'ip-range' | 'ip6-prefix' | 'mac' | 'other' }
  | { kind: 'str' | 'hex'; min: number; max: number }
  | { kind: 'enum'; values: string[]; list: boolean };

const UNIT_MS: Record<string, number> = { w: 604800000, d: 86400000, h: 3600000, m: 60000, s: 1000, ms: 1, us: 0.001, ns: 0.000001 };

/**
 * A RouterOS time interval in milliseconds: `30s`, `1d2h`, `500ms`, `1.5h`, `00:00:30`, `1d00:00:00`,
 * `1w2d 03:00:00`-free forms, a bare number (seconds). Undefined when the text is not a time.
 */
export function parseTime(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  // [Nw][Nd]HH:MM[:SS[.fff]]
  const clock = /^(?:(\d+)w)?(?:(\d+)d)?\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?$/.exec(t);
  if (clock) {
    const [, w, d, h, m, s, frac] = clock;
    return (
      Number(w ?? 0) * UNIT_MS.w +
      Number(d ?? 0) * UNIT_MS.d +
      Number(h) * UNIT_MS.h +
      Number(m) * UNIT_MS.m +
      Number(s ?? 0) * UNIT_MS.s +
      (frac ? Number(`0.${frac}`) * 1000 : 0)
    );
  }
  const re = /(\d+(?:\.\d+)?)(ms|us|ns|w|d|h|m|s)?/y;
  let total = 0;
  let i = 0;
  let parts = 0;
  while (i < t.length) {
    re.lastIndex = i;
    const m = re.exec(t);
    if (!m) return undefined;
    // A bare number is seconds, but only as the last (or only) part: `1d2` is not a time.
    if (!m[2] && re.lastIndex < t.length) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2] ?? 's'];
    i = re.lastIndex;
    parts++;
  }
  return parts > 0 ? total : undefined;
}

/** `0s..1d`, `00:00:00.200..`, `..30s` -> [min | null, max | null]. */
function timeRange(range: string): [number | null, number | null] | undefined {
  const [a, b] = range.split('..');
  const min = a === '' ? null : parseTime(a);
  const max = b === undefined || b === '' ? null : parseTime(b);
  if (min === undefined || max === undefined) return undefined;
  return [min, max];
}

/** The router's `desc` text of an argument as a value type. */
export function parseDesc(desc: string): ParsedType {
  const d = desc.replace(/\s+/g, ' ').trim();
  let m = /^(\S*\.\.\S*) \(time interval\)$/.exec(d);
  if (m) {
    const r = timeRange(m[1]);
    if (r) return { kind: 'time', min: r[0], max: r[1] };
  }
  if (d === 'time interval') return { kind: 'time', min: null, max: null };
  m = /^(-?\d+)\.\.(-?\d+)$/.exec(d);
  if (m) return { kind: 'int', min: Number(m[1]), max: Number(m[2]) };
  if (d === 'A.B.C.D (IP address)') return { kind: 'ip' };
  if (d === 'A.B.C.D/M (IP prefix)') return { kind: 'ip-prefix' };
  if (/\(IP address range\)$/.test(d)) return { kind: 'ip-range' };
  if (/^IPv6\/0\.\.128 \(IPv6 prefix\)$/.test(d)) return { kind: 'ip6-prefix' };
  if (/\(MAC address\)$/.test(d)) return { kind: 'mac' };
  m = /^(hexadecimal )?string value(?:, min length (\d+))?(?:, max length (\d+))?$/.exec(d);
  if (m) return { kind: m[1] ? 'hex' : 'str', min: Number(m[2] ?? 0), max: m[3] !== undefined ? Number(m[3]) : -1 };
  m = /^([A-Za-z0-9_.-]+(?:\|[A-Za-z0-9_.-]+)+)(\[,[A-Za-z0-9]+\*\])?$/.exec(d);
  if (m) return { kind: 'enum', values: [...new Set(m[1].split('|'))], list: m[2] !== undefined };
  return { kind: 'other' };
}

/** IPv4 dotted quad (each octet 0..255). */
export function isIPv4(text: string): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (const p of parts) if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return false;
  return true;
}

/** IPv6 address (with `::` compression and an optional trailing dotted quad). */
export function isIPv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(':')) return false;
  const double = text.split('::');
  if (double.length > 2) return false;
  const groups = (s: string) => (s === '' ? [] : s.split(':'));
  const head = groups(double[0]);
  const tail = double.length === 2 ? groups(double[1]) : [];
  const all = [...head, ...tail];
  let count = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!isIPv4(g)) return false;
      count += 2;
    } else if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    else count++;
  }
  return double.length === 2 ? count < 8 : count === 8;
}

/** MAC address in the spellings RouterOS accepts: `AA:BB:CC:DD:EE:FF`, `AA-BB-...`, `AABB.CCDD.EEFF`, `AABBCCDDEEFF`. */
export function isMac(text: string): boolean {
  return (
    /^[0-9a-fA-F]{1,2}([:-])[0-9a-fA-F]{1,2}(\1[0-9a-fA-F]{1,2}){4}$/.test(text) ||
    /^[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}\.[0-9a-fA-F]{4}$/.test(text) ||
    /^[0-9a-fA-F]{12}$/.test(text)
  );
}
