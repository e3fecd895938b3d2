// Port classes for scans: destination ports that no rule of a model tells apart (every dst-port= or
// port= set of any rule, enabled or not, in any table or family, holds either all of them or none) behave
// alike in every simulator of that model. Computed once per model; for each scan order, the class of
// every position and the runs of consecutive positions in the same class are computed once per order.
//
// A class is the set of ports with the same membership in the rules' port sets, not an interval: the
// ports below, between and above a knock's stage ports are one class. A model with few port sets (the
// slice a knock scan runs on, see knock.ts) then has one class holding nearly every port, and its order
// index is built from the few other ports' positions (an inverse of the order, kept per order) instead
// of a pass over all 65,535 positions.

import type { FirewallModel, PortSet, Unknown } from '../model/types';

export interface PortClasses {
  /** Class of every port 0..65535 (built when first read). */
  readonly classOf: Int32Array;
  count: number;
  /** The ports of each class, as [from, to) intervals in ascending order. */
  intervals: Array<Array<[number, number]>>;
}

export interface OrderIndex {
  /** Class of the port at each position of the order (an Int32Array, or a view computing it). */
  cls: ArrayLike<number>;
  /** Last position of the run (consecutive positions of one class) that holds each position. */
  runEnd: ArrayLike<number>;
  /** Number of runs (for benchmarks and tests). */
  runs: number;
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

const classCache = new WeakMap<FirewallModel, PortClasses>();
/** Partitions by their port sets: a new model of an edited file usually has the same ports. */
const byBounds = new Map<string, PortClasses>();
const MAX_PARTITIONS = 16;
const orderCache = new WeakMap<PortClasses, WeakMap<object, OrderIndex>>();

/** The port classes of `model` (cached on the model, and by its port sets across models). */
export function portClasses(model: FirewallModel): PortClasses {
  let pc = classCache.get(model);
  if (pc) return pc;
  const sets: PortSet[] = [];
  const seen = new Set<string>();
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      for (const n of [r.match.dstPort, r.match.anyPort]) {
        if (!n || isUnknown(n.value)) continue;
        const set = n.value as PortSet;
        const k = set.map(([a, b]) => `${a}-${b}`).join(',');
        if (seen.has(k)) continue;
        seen.add(k);
        sets.push(set);
      }
    }
  }
  const key = [...seen].sort().join(' ');
  pc = byBounds.get(key);
  if (pc) {
    // most recently used last
    byBounds.delete(key);
    byBounds.set(key, pc);
  } else {
    pc = partition(sets);
    byBounds.set(key, pc);
    if (byBounds.size > MAX_PARTITIONS) byBounds.delete(byBounds.keys().next().value!);
  }
  classCache.set(model, pc);
  return pc;
}

/**
 * Gives `part` (a model made of some of `whole`'s rules) the classes of `whole`: they are finer than its
 * own (every port set of `part` is one of `whole`'s), so they are valid for it.
 */
export function sharePortClasses(part: FirewallModel, whole: FirewallModel): void {
  if (part !== whole) classCache.set(part, portClasses(whole));
}

function partition(sets: PortSet[]): PortClasses {
  // intervals between the boundaries of every set, then intervals with the same membership merged
  const bounds = new Set<number>([0, 65536]);
  for (const set of sets) {
    for (const [a, b] of set) {
      bounds.add(Math.min(65536, Math.max(0, a)));
      bounds.add(Math.min(65536, Math.max(0, b + 1)));
    }
  }
  const sorted = [...bounds].sort((x, y) => x - y);
  const m = sorted.length - 1;
  const members: number[][] = Array.from({ length: m }, () => []);
  const intervalAt = (port: number): number => {
    let lo = 0;
    let hi = m - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (sorted[mid] <= port) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  sets.forEach((set, j) => {
    for (const [a0, b0] of set) {
      const a = Math.max(0, a0);
      const b = Math.min(65535, b0);
      if (a > b) continue;
      for (let i = intervalAt(a); i < m && sorted[i] <= b; i++) {
        const ms = members[i];
        if (ms[ms.length - 1] !== j) ms.push(j);
      }
    }
  });
  const bySignature = new Map<string, number>();
  const intervals: Array<Array<[number, number]>> = [];
  for (let i = 0; i < m; i++) {
    const sig = members[i].join(',');
    let c = bySignature.get(sig);
    if (c === undefined) {
      bySignature.set(sig, (c = intervals.length));
      intervals.push([]);
    }
    intervals[c].push([sorted[i], sorted[i + 1]]);
  }
  let classOf: Int32Array | undefined;
  return {
    count: intervals.length,
    intervals,
    get classOf(): Int32Array {
      if (!classOf) {
        classOf = new Int32Array(65536);
        intervals.forEach((iv, c) => {
          for (const [a, b] of iv) classOf!.fill(c, a, b);
        });
      }
      return classOf;
    },
  };
}

/** Position of each port 0..65535 in an order that holds each of them at most once (-1: absent). */
const inverseCache = new WeakMap<object, Int32Array | null>();

function inverseOf(ports: ArrayLike<number>): Int32Array | null {
  const key = ports as unknown as object;
  const hit = inverseCache.get(key);
  if (hit !== undefined) return hit;
  let pos: Int32Array | null = new Int32Array(65536).fill(-1);
  for (let i = 0; i < ports.length; i++) {
    const p = ports[i];
    if (!(p >= 0 && p <= 65535 && Number.isInteger(p)) || pos[p] !== -1) {
      pos = null;
      break;
    }
    pos[p] = i;
  }
  inverseCache.set(key, pos);
  return pos;
}

/** Class and run of every position of `ports` (cached per port array object). */
export function orderIndex(pc: PortClasses, ports: ArrayLike<number>): OrderIndex {
  let byOrder = orderCache.get(pc);
  if (!byOrder) orderCache.set(pc, (byOrder = new WeakMap()));
  const key = ports as unknown as object;
  let oi = byOrder.get(key);
  if (oi) return oi;
  oi = (ports.length >= SPARSE_MAX ? sparseIndex(pc, ports) : undefined) ?? denseIndex(pc, ports);
  byOrder.set(key, oi);
  return oi;
}

/** Position by position. */
function denseIndex(pc: PortClasses, ports: ArrayLike<number>): OrderIndex {
  const n = ports.length;
  const cls = new Int32Array(n);
  const runEnd = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const p = ports[i];
    // ports outside 0..65535 (never sent by scans) get a class of their own
    cls[i] = p >= 0 && p <= 65535 && Number.isInteger(p) ? pc.classOf[p] : -1;
  }
  let runs = 0;
  for (let i = n - 1; i >= 0; i--) {
    if (i < n - 1 && cls[i] === cls[i + 1] && cls[i] >= 0) runEnd[i] = runEnd[i + 1];
    else {
      runEnd[i] = i;
      runs++;
    }
  }
  return { cls, runEnd, runs };
}

/** Orders with at most this many ports outside the biggest class get a computed index (no arrays of n). */
const SPARSE_MAX = 4096;

/**
 * When one class holds nearly every port: the positions of the few other ports (found through the
 * order's inverse) and their runs are kept, and `cls` / `runEnd` are views that compute any position
 * from them (a scan reads them once per run, and runs are few). No array of 65,535 positions is built:
 * a file with many knocks has one slice, so one partition and one index per order, for each of them.
 * Undefined when that does not apply (the order repeats a port or holds one outside 0..65535).
 */
function sparseIndex(pc: PortClasses, ports: ArrayLike<number>): OrderIndex | undefined {
  const n = ports.length;
  let big = 0;
  let bigSize = -1;
  pc.intervals.forEach((iv, c) => {
    const size = iv.reduce((sum, [a, b]) => sum + (b - a), 0);
    if (size > bigSize) {
      bigSize = size;
      big = c;
    }
  });
  if (65536 - bigSize > SPARSE_MAX) return undefined;
  const pos = inverseOf(ports);
  if (!pos) return undefined;
  const found: Array<[number, number]> = [];
  pc.intervals.forEach((iv, c) => {
    if (c === big) return;
    for (const [a, b] of iv) {
      for (let p = a; p < b; p++) {
        const at = pos[p];
        if (at >= 0) found.push([at, c]);
      }
    }
  });
  found.sort((x, y) => x[0] - y[0]);
  const k = found.length;
  const at = new Int32Array(k);
  const cl = new Int32Array(k);
  const end = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    at[j] = found[j][0];
    cl[j] = found[j][1];
  }
  let runs = 0;
  for (let j = k - 1; j >= 0; j--) {
    if (j + 1 < k && at[j + 1] === at[j] + 1 && cl[j + 1] === cl[j]) end[j] = end[j + 1];
    else {
      end[j] = at[j];
      runs++;
    }
    // the gap of the big class after it
    const nextAt = j + 1 < k ? at[j + 1] : n;
    if (at[j] + 1 < nextAt) runs++;
  }
  if (k === 0 ? n > 0 : at[0] > 0) runs++;
  /** Index in `at` of the first special position >= i. */
  const firstFrom = (i: number): number => {
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (at[mid] < i) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const view = (read: (i: number) => number): ArrayLike<number> =>
    new Proxy({ length: n } as ArrayLike<number>, {
      get(target, key) {
        if (typeof key === 'string') {
          const i = Number(key);
          if (Number.isInteger(i) && i >= 0 && i < n) return read(i);
        }
        return Reflect.get(target, key);
      },
    });
  const cls = view((i) => {
    const j = firstFrom(i);
    return j < k && at[j] === i ? cl[j] : big;
  });
  const runEnd = view((i) => {
    const j = firstFrom(i);
    if (j < k && at[j] === i) return end[j];
    return j < k ? at[j] - 1 : n - 1;
  });
  return { cls, runEnd, runs };
}
