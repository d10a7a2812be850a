// Seeded random numbers for trace generation (mulberry32) and the distributions the generators use.

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const between = (r: Random, low: number, high: number) => low + (high - low) * r();

export function pick<T>(r: Random, weighted: ReadonlyArray<readonly [T, number]>): T {
  const total = weighted.reduce((sum, [, w]) => sum + w, 0);
  let x = r() * total;
  for (const [value, weight] of weighted) {
    x -= weight;
    if (x < 0) return value;
  }
  return (weighted[weighted.length - 1] as readonly [T, number])[0];
}

/** Exponential with the given mean (gaps of a Poisson process). */
export const exponential = (r: Random, mean: number) => -Math.log(1 - r()) * mean;

/** Log-normal with the given median and spread, clamped. */
export function logNormal(r: Random, median: number, sigma: number, low: number, high: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  return Math.min(high, Math.max(low, median * Math.exp(sigma * z)));
}
