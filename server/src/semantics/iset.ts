// Interval sets: sorted, disjoint, non-adjacent inclusive ranges, stored flat ([lo0, hi0, lo1, hi1, ...]).
// One implementation for numbers (ports, sizes) and bigints (addresses): the element type only needs
// ordering and a successor/predecessor, passed as `one` (1 or 1n). Pure functions; inputs never mutated.

export type Num = number | bigint;
export type ISet<T extends Num> = readonly T[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type A = any;

/** `[lo, hi]` pairs in any order, overlapping or adjacent -> a normalized set. */
export function fromRanges<T extends Num>(ranges: ReadonlyArray<readonly [T, T]>, one: T): ISet<T> {
  const s = ranges.map(([a, b]) => (a <= b ? [a, b] : [b, a])).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  const out: A[] = [];
  for (const [lo, hi] of s) {
    const n = out.length;
    if (n > 0 && (lo as A) <= (out[n - 1] as A) + (one as A)) {
      if (hi > out[n - 1]) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

export function isEmpty<T extends Num>(a: ISet<T>): boolean {
  return a.length === 0;
}

export function has<T extends Num>(a: ISet<T>, x: T): boolean {
  for (let i = 0; i < a.length; i += 2) {
    if (x < a[i]) return false;
    if (x <= a[i + 1]) return true;
  }
  return false;
}

export function intersect<T extends Num>(a: ISet<T>, b: ISet<T>): ISet<T> {
  if (a === b) return a;
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = a[i] > b[j] ? a[i] : b[j];
    const hi = a[i + 1] < b[j + 1] ? a[i + 1] : b[j + 1];
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1] < b[j + 1]) i += 2;
    else j += 2;
  }
  return out;
}

/** a minus b. */
export function subtract<T extends Num>(a: ISet<T>, b: ISet<T>, one: T): ISet<T> {
  if (b.length === 0) return a;
  const out: A[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo: A = a[i];
    const hi: A = a[i + 1];
    while (j < b.length && b[j + 1] < lo) j += 2;
    let k = j;
    while (k < b.length && b[k] <= hi) {
      if (b[k] > lo) out.push(lo, (b[k] as A) - (one as A));
      lo = (b[k + 1] as A) + (one as A);
      if (lo > hi) break;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function union<T extends Num>(a: ISet<T>, b: ISet<T>, one: T): ISet<T> {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: Array<[T, T]> = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i], a[i + 1]]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i], b[i + 1]]);
  return fromRanges(pairs, one);
}

export function equal<T extends Num>(a: ISet<T>, b: ISet<T>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Is every element of a in b? */
export function subset<T extends Num>(a: ISet<T>, b: ISet<T>, one: T): boolean {
  return subtract(a, b, one).length === 0;
}

/** `22,80-90` style text (for messages). */
export function text<T extends Num>(a: ISet<T>, show: (x: T) => string = String): string {
  const parts: string[] = [];
  for (let i = 0; i < a.length; i += 2) parts.push(a[i] === a[i + 1] ? show(a[i]) : `${show(a[i])}-${show(a[i + 1])}`);
  return parts.join(',');
}
