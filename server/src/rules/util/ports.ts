// Knock port quality: well-known service ports, monotonic sequences, and fresh port suggestions that
// are deterministic for a given file text (a PRNG seeded from a hash of the text), so editors and
// tests see the same suggestion every time.

import type { PortSet } from '../../model/types';
import { portIn } from './rules';
import { prng } from '../../prng';

/** Registered/well-known service ports at or above 1024 that scanners and clients commonly hit. */
export const WELL_KNOWN_HIGH_PORTS: ReadonlySet<number> = new Set([
  1080, 1194, 1433, 1434, 1521, 1701, 1723, 1812, 1813, 1883, 1900, 2000, 2049, 2082, 2083, 2086, 2087, 2095,
  2096, 2222, 2375, 2376, 3000, 3128, 3268, 3306, 3389, 3478, 4443, 4500, 4786, 5000, 5001, 5060, 5061, 5222,
  5353, 5432, 5555, 5601, 5671, 5672, 5800, 5900, 5901, 5938, 5984, 6000, 6379, 6443, 6667, 6881, 7000, 7001,
  7547, 8000, 8008, 8009, 8080, 8081, 8082, 8088, 8089, 8181, 8291, 8443, 8728, 8729, 8883, 8888, 9000, 9001,
  9042, 9090, 9091, 9100, 9200, 9300, 9418, 9999, 10000, 10050, 10051, 11211, 13231, 20561, 25565, 27015,
  27017, 28017, 32400, 37777, 49152, 50000, 51820,
]);

export function isWellKnown(port: number): boolean {
  return port < 1024 || WELL_KNOWN_HIGH_PORTS.has(port);
}

/** Strictly ascending or strictly descending (at least three values). */
export function isMonotonic(ports: readonly number[]): 'ascending' | 'descending' | undefined {
  if (ports.length < 3) return undefined;
  let asc = true;
  let desc = true;
  for (let i = 1; i < ports.length; i++) {
    if (!(ports[i] > ports[i - 1])) asc = false;
    if (!(ports[i] < ports[i - 1])) desc = false;
  }
  return asc ? 'ascending' : desc ? 'descending' : undefined;
}

/** FNV-1a over the UTF-16 code units of `s`. */
export function hashText(s: string, from = 0x811c9dc5): number {
  // `from`: the hash of a prefix, to go on with (hashText(a + b) === hashText(b, hashText(a)))
  let h = from;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export const FRESH_MIN = 2000;
export const FRESH_MAX = 49151;

/**
 * `count` fresh knock ports in [FRESH_MIN, FRESH_MAX]: not well known, not in any `avoid` set, all
 * different, not within 10 of each other, and (for three or more) not monotonic. `fixed` holds ports that
 * stay (undefined where a new port is wanted); the result fills the gaps. Undefined when impossible.
 */
export function freshPorts(
  seedText: string | number,
  fixed: ReadonlyArray<number | undefined>,
  avoid: readonly PortSet[],
): number[] | undefined {
  // (a number is the hash of the seed text, already computed)
  const rand = prng(typeof seedText === 'number' ? seedText : hashText(seedText));
  const ok = (p: number, taken: readonly number[]): boolean =>
    !isWellKnown(p) && !avoid.some((s) => portIn(s, p)) && taken.every((t) => Math.abs(t - p) > 10);
  for (let attempt = 0; attempt < 50; attempt++) {
    const out: number[] = [];
    let failed = false;
    for (let i = 0; i < fixed.length; i++) {
      const f = fixed[i];
      if (f !== undefined) {
        out.push(f);
        continue;
      }
      let p = -1;
      for (let tries = 0; tries < 2000; tries++) {
        const c = FRESH_MIN + Math.floor(rand() * (FRESH_MAX - FRESH_MIN + 1));
        if (ok(c, [...out, ...fixed.filter((x): x is number => x !== undefined)])) {
          p = c;
          break;
        }
      }
      if (p < 0) {
        failed = true;
        break;
      }
      out.push(p);
    }
    if (!failed && !isMonotonic(out)) return out;
  }
  return undefined;
}
