// Keeps a long metric series drawable: at most `buckets` buckets, each contributing its minimum
// and maximum point (in x order), so a loss spike survives where averaging or LTTB's single
// representative could drop it. 100,000 points become ≤ 2 × buckets.
export function minMaxDownsample(xs: readonly number[], ys: readonly number[], buckets: number) {
  const n = Math.min(xs.length, ys.length);
  if (n <= buckets * 2) return { xs: xs.slice(0, n), ys: ys.slice(0, n) };
  const outX: number[] = [];
  const outY: number[] = [];
  const size = n / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor(b * size);
    const to = Math.min(n, Math.floor((b + 1) * size));
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (ys[i]! < ys[lo]!) lo = i;
      if (ys[i]! > ys[hi]!) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) {
      if (outX.length > 0 && outX[outX.length - 1] === xs[i]) continue;
      outX.push(xs[i]!);
      outY.push(ys[i]!);
    }
  }
  return { xs: outX, ys: outY };
}
