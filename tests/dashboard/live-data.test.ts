// The dashboard's pure pieces: sequence bookkeeping (no gap, no duplicate), display lines
// (carriage returns, ANSI), metric series and downsampling.
import { describe, expect, it } from "vitest";
import { minMaxDownsample } from "../../dashboard/lib/downsample.ts";
import {
  ansiToHtml,
  collapseCarriageReturns,
  displayLines,
  plainText,
} from "../../dashboard/lib/log-lines.ts";
import { metricOrder, metricSeries } from "../../dashboard/lib/metrics.ts";
import { SequenceLog } from "../../dashboard/lib/sequence-log.ts";

const chunk = (run_id: string, seq: number) => ({ run_id, seq, lines: [`l${seq}`] });

describe("SequenceLog", () => {
  it("applies the next seq, drops duplicates and reports a gap without applying it", () => {
    const log = new SequenceLog<ReturnType<typeof chunk>>();
    expect(log.offer(chunk("r", 0))).toBe("applied");
    expect(log.offer(chunk("r", 0))).toBe("duplicate");
    expect(log.offer(chunk("r", 2))).toBe("gap");
    expect(log.lastSeq("r")).toBe(0);
    expect(log.offer(chunk("r", 1))).toBe("applied");
    expect(log.list("r").map((c) => c.seq)).toEqual([0, 1]);
  });

  it("skips to a seq read elsewhere, dropping what it already held up to there", () => {
    const log = new SequenceLog<ReturnType<typeof chunk>>();
    log.offer(chunk("r", 0));
    log.offer(chunk("r", 1));
    log.skipTo("r", 5);
    expect(log.list("r")).toEqual([]);
    expect(log.offer(chunk("r", 5))).toBe("duplicate");
    expect(log.offer(chunk("r", 6))).toBe("applied");
    log.skipTo("r", 6);
    expect(log.list("r").map((c) => c.seq)).toEqual([]);
    log.offer(chunk("r", 7));
    log.skipTo("r", 3); // behind what is held: nothing held after 3 is dropped
    expect(log.list("r").map((c) => c.seq)).toEqual([7]);
    expect(log.lastSeq("r")).toBe(7);
  });

  it("absorbs an api page after broadcasts, keeping each seq once and in order", () => {
    const log = new SequenceLog<ReturnType<typeof chunk>>();
    log.offer(chunk("r", 0));
    log.offer(chunk("r", 1));
    expect(log.absorb([chunk("r", 3), chunk("r", 1), chunk("r", 2)])).toBe(2);
    expect(log.offer(chunk("r", 3))).toBe("duplicate");
    expect(log.list("r").map((c) => c.seq)).toEqual([0, 1, 2, 3]);
    expect(log.lastSeq("other")).toBe(-1);
  });
});

describe("display lines", () => {
  it("shows a carriage-return progress bar in its last state", () => {
    expect(collapseCarriageReturns(" 10%|#\r 50%|#####\r100%|##########")).toBe("100%|##########");
    expect(collapseCarriageReturns("done\r")).toBe("done");
    expect(collapseCarriageReturns("plain")).toBe("plain");
  });

  it("numbers lines across chunks and keeps their stream", () => {
    const lines = displayLines([
      { streams: "oe", lines: ["a", "b"] },
      { streams: "o", lines: ["c\rd"] },
    ]);
    expect(lines).toEqual([
      { n: 1, stream: "stdout", text: "a" },
      { n: 2, stream: "stderr", text: "b" },
      { n: 3, stream: "stdout", text: "d" },
    ]);
  });

  it("renders ANSI colours as spans and escapes markup", () => {
    const html = ansiToHtml("\u001b[32mok\u001b[0m <b>");
    expect(html).toContain("<span");
    expect(html).toContain("ok");
    expect(html).toContain("&lt;b&gt;");
    expect(plainText("\u001b[1;31merror\u001b[0m")).toBe("error");
  });
});

describe("metrics", () => {
  it("groups numeric fields by metric and run, ordered loss, learning rate, grad norm, eval, rest", () => {
    const series = metricSeries([
      { run_id: "a", data: { step: 1, loss: 2, learning_rate: 0.1, eval_acc: 0.5, note: "x" } },
      { run_id: "b", data: { step: 1, loss: 3 } },
      { run_id: "a", data: { loss: 9 } },
      { run_id: "a", data: { step: 2, loss: 1, grad_norm: 4, zeta: 1 } },
    ]);
    expect(series.get("loss")?.get("a")).toEqual({ xs: [1, 2], ys: [2, 1], total: 2 });
    expect(series.get("loss")?.get("b")).toEqual({ xs: [1], ys: [3], total: 1 });
    expect(metricOrder(series.keys())).toEqual(["loss", "learning_rate", "grad_norm", "eval_acc", "zeta"]);
  });

  it("starts from the api's downsampled series and appends later events, counting every point", () => {
    const base = [{ run_id: "a", name: "loss", points: 5000, steps: [0, 4999], values: [9, 1] }];
    const series = metricSeries([{ run_id: "a", data: { step: 5000, loss: 0.5 } }], base);
    expect(series.get("loss")?.get("a")).toEqual({ xs: [0, 4999, 5000], ys: [9, 1, 0.5], total: 5001 });
    expect(base[0]?.steps).toEqual([0, 4999]); // the summary itself is not changed
  });

  it("downsamples 100,000 points to at most two per bucket and keeps the extremes", () => {
    const xs = Array.from({ length: 100_000 }, (_, i) => i);
    const ys = xs.map((i) => (i === 54_321 ? 1000 : i === 777 ? -1000 : Math.sin(i / 100)));
    const out = minMaxDownsample(xs, ys, 1000);
    expect(out.xs.length).toBeLessThanOrEqual(2000);
    expect(Math.max(...out.ys)).toBe(1000);
    expect(Math.min(...out.ys)).toBe(-1000);
    expect(out.xs).toEqual([...out.xs].sort((a, b) => a - b));
    expect(minMaxDownsample([1, 2], [3, 4], 10)).toEqual({ xs: [1, 2], ys: [3, 4] });
  });
});
