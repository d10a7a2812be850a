// Metric series from events: every event with a numeric `step` contributes each other numeric
// field (loss, learning_rate, grad_norm, eval_* …) as a point of the series of that name, per run.

export interface MetricEvent {
  run_id: string;
  data: Record<string, unknown>;
}

export type Series = Map<string, Map<string, { xs: number[]; ys: number[] }>>; // metric → run → points

const PREFERRED = ["loss", "learning_rate", "lr", "grad_norm"];

export function metricSeries(events: Iterable<MetricEvent>): Series {
  const series: Series = new Map();
  for (const e of events) {
    const step = e.data.step;
    if (typeof step !== "number") continue;
    for (const [key, value] of Object.entries(e.data)) {
      if (key === "step" || typeof value !== "number" || !Number.isFinite(value)) continue;
      const byRun = series.get(key) ?? new Map<string, { xs: number[]; ys: number[] }>();
      series.set(key, byRun);
      const points = byRun.get(e.run_id) ?? { xs: [], ys: [] };
      byRun.set(e.run_id, points);
      points.xs.push(step);
      points.ys.push(value);
    }
  }
  return series;
}

/** Loss, learning rate and grad norm first, then eval metrics, then the rest, alphabetically. */
export function metricOrder(names: Iterable<string>): string[] {
  const rank = (n: string) => {
    const i = PREFERRED.indexOf(n);
    return i >= 0 ? i : n.startsWith("eval") ? 10 : 20;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}
