// A small deterministic pseudo-random generator (mulberry32), shared by everything that needs repeatable
// "random" choices: the knock checks' port suggestions, the simulator's random-order scans, and tests.

/** A generator of numbers in [0, 1) that gives the same sequence for the same seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
