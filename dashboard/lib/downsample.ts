// Keeps a long metric series drawable: point i of n falls in bucket floor(i · buckets / n), and
// each bucket contributes its lowest and highest point (in x order), so a loss spike survives
// where averaging or LTTB's single representative could drop it. 100,000 points become
// ≤ 2 × buckets. The api's GET /jobs/:id/metrics applies the same rule in SQL
// (supabase/functions/api/routes/metric-series-sql.ts); tests/dashboard/downsample-parity.test.ts
// fails when the two differ.
export function minMaxDownsample(xs: readonly number[], ys: readonly number[], buckets: number) {
  const n = Math.min(xs.length, ys.length);
  if (n <= buckets * 2) return { xs: xs.slice(0, n), ys: ys.slice(0, n) };
  const outX: number[] = [];
  const outY: number[] = [];
  const keep = (i: number) => {
    if (outX.length > 0 && outX[outX.length - 1] === xs[i] && outY[outY.length - 1] === ys[i]) return;
    outX.push(xs[i]!);
    outY.push(ys[i]!);
  };
  let bucket = -1;
  let lo = 0;
  let hi = 0;
  const flush = () => {
    keep(Math.min(lo, hi));
    keep(Math.max(lo, hi));
  };
  for (let i = 0; i < n; i++) {
    const b = Math.floor((i * buckets) / n);
    if (b !== bucket) {
      if (bucket >= 0) flush();
      bucket = b;
      lo = i;
      hi = i;
    } else {
      if (ys[i]! < ys[lo]!) lo = i;
      if (ys[i]! > ys[hi]!) hi = i;
    }
  }
  flush();
  return { xs: outX, ys: outY };
}
