"use client";
// One metric by step, every run overlaid, drawn with uPlot (canvas; long series are downsampled
// to per-bucket min/max before drawing).
import { useEffect, useMemo, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { minMaxDownsample } from "@/lib/downsample.ts";
import type { Points } from "@/lib/metrics.ts";

const COLOURS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948"];
const MAX_BUCKETS = 1500;

export function MetricPlot({ name, runs }: { name: string; runs: Map<string, Points> }) {
  const box = useRef<HTMLDivElement>(null);
  const points = [...runs.values()].reduce((n, r) => n + r.total, 0);
  const sampled = useMemo(
    () => [...runs.values()].map((r) => minMaxDownsample(r.xs, r.ys, MAX_BUCKETS)),
    [runs],
  );
  const drawn = sampled.reduce((n, s) => n + s.xs.length, 0);

  useEffect(() => {
    if (!box.current) return;
    const runIds = [...runs.keys()];
    // uPlot wants one shared x array: the union of steps, with gaps (null) where a run has none.
    const xs = [...new Set(sampled.flatMap((s) => s.xs))].sort((a, b) => a - b);
    const index = new Map(xs.map((x, i) => [x, i]));
    const ys = sampled.map((s) => {
      const col: (number | null)[] = new Array(xs.length).fill(null);
      s.xs.forEach((x, i) => {
        col[index.get(x)!] = s.ys[i]!;
      });
      return col;
    });
    const plot = new uPlot(
      {
        width: Math.max(320, box.current.clientWidth),
        height: 220,
        title: name,
        scales: { x: { time: false } },
        axes: [{ label: "step" }, { label: name }],
        series: [
          { label: "step" },
          ...runIds.map((id, i) => ({
            label: `run ${id.slice(0, 8)}`,
            stroke: COLOURS[i % COLOURS.length],
            spanGaps: true,
          })),
        ],
      },
      [xs, ...ys] as uPlot.AlignedData,
      box.current,
    );
    return () => plot.destroy();
  }, [name, runs, sampled]);

  return (
    <figure className="plot" data-metric={name} data-points={points} data-drawn={drawn}>
      <div ref={box} role="img" aria-label={`${name} by step, ${runs.size} run(s), ${points} points`} />
    </figure>
  );
}
