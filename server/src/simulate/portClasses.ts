// Port classes for scans: destination ports that no rule of a model tells apart (no dst-port= or port=
// set of any rule, enabled or not, in any table or family, has a boundary between them) behave alike in
// every simulator of that model. Computed once per model; for each scan order, the class of every
// position and the runs of consecutive positions in the same class are computed once per order.

import type { FirewallModel, PortSet, Unknown } from '../model/types';

export interface PortClasses {
  /** Class of every port 0..65535. */
  classOf: Int32Array;
  count: number;
}

export interface OrderIndex {
  /** Class of the port at each position of the order. */
  cls: Int32Array;
  /** Last position of the run (consecutive positions of one class) that holds each position. */
  runEnd: Int32Array;
  /** Number of runs (for benchmarks and tests). */
  runs: number;
}

function isUnknown(v: unknown): v is Unknown {
  return typeof v === 'object' && v !== null && (v as Unknown).unknown === true;
}

const classCache = new WeakMap<FirewallModel, PortClasses>();
/** Partitions by their boundaries: a new model of an edited file usually has the same ports. */
const byBounds = new Map<string, PortClasses>();
const MAX_PARTITIONS = 16;
const orderCache = new WeakMap<PortClasses, WeakMap<object, OrderIndex>>();

/** The port classes of `model` (cached on the model, and by boundaries across models). */
export function portClasses(model: FirewallModel): PortClasses {
  let pc = classCache.get(model);
  if (pc) return pc;
  const bounds = new Set<number>([0]);
  for (const t of model.tables.values()) {
    for (const r of t.rules) {
      for (const n of [r.match.dstPort, r.match.anyPort]) {
        if (!n || isUnknown(n.value)) continue;
        for (const [a, b] of n.value as PortSet) {
          bounds.add(Math.max(0, a));
          bounds.add(Math.min(65536, b + 1));
        }
      }
    }
  }
  const sorted = [...bounds].sort((x, y) => x - y);
  const key = sorted.join(',');
  pc = byBounds.get(key);
  if (pc) {
    // most recently used last
    byBounds.delete(key);
    byBounds.set(key, pc);
  } else {
    pc = partition(sorted);
    byBounds.set(key, pc);
    if (byBounds.size > MAX_PARTITIONS) byBounds.delete(byBounds.keys().next().value!);
  }
  classCache.set(model, pc);
  return pc;
}

function partition(sorted: number[]): PortClasses {
  const classOf = new Int32Array(65536);
  let cls = -1;
  let bi = 0;
  for (let port = 0; port < 65536; port++) {
    if (bi < sorted.length && sorted[bi] === port) {
      cls++;
      bi++;
    }
    classOf[port] = cls;
  }
  return { classOf, count: cls + 1 };
}

/** Class and run of every position of `ports` (cached per port array object). */
export function orderIndex(pc: PortClasses, ports: ArrayLike<number>): OrderIndex {
  let byOrder = orderCache.get(pc);
  if (!byOrder) orderCache.set(pc, (byOrder = new WeakMap()));
  const key = ports as unknown as object;
  let oi = byOrder.get(key);
  if (oi) return oi;
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
  oi = { cls, runEnd, runs };
  byOrder.set(key, oi);
  return oi;
}
