// Metric series from events: every event with a numeric `step` contributes each other numeric
// field (loss, learning_rate, grad_norm, eval_* …) as a point of the series of that name, per run.
// A page starts from the api's downsampled series (GET /jobs/:id/metrics, `base`) and appends the
// events that came after it.
import type { MetricSeries } from "openweights";

export interface MetricEvent {
  run_id: string;
  data: Record<string, unknown>;
}

/** Points to draw, and how many points the series has (more than drawn when downsampled). */
export interface Points {
  xs: number[];
  ys: number[];
  total: number;
}

export type Series = Map<string, Map<string, Points>>; // metric → run → points

const PREFERRED = ["loss", "learning_rate", "lr", "grad_norm"];

export function metricSeries(events: Iterable<MetricEvent>, base?: MetricSeries["series"]): Series {
  const series: Series = new Map();
  const pointsOf = (name: string, runId: string) => {
    const byRun = series.get(name) ?? new Map<string, Points>();
    series.set(name, byRun);
    const points = byRun.get(runId) ?? { xs: [], ys: [], total: 0 };
    byRun.set(runId, points);
    return points;
  };
  for (const s of base ?? []) {
    const points = pointsOf(s.name, s.run_id);
    points.xs.push(...s.steps);
    points.ys.push(...s.values);
    points.total += s.points;
  }
  for (const e of events) {
    const step = e.data.step;
    if (typeof step !== "number") continue;
    for (const [key, value] of Object.entries(e.data)) {
      if (key === "step" || typeof value !== "number" || !Number.isFinite(value)) continue;
      const points = pointsOf(key, e.run_id);
      points.xs.push(step);
      points.ys.push(value);
      points.total += 1;
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
