import { describe, expect, it } from "vitest";
import { judgeMemory, type MemorySample, readMemory, SOAK_RULE } from "./memory.ts";

/** 100 samples over a run of 1,000 jobs; `anonKbAt(progress)` shapes one process's memory. */
function run(anonKbAt: (progress: number) => number, pid = 7): MemorySample[] {
  return Array.from({ length: 101 }, (_, k) => {
    const progress = k * 10;
    const anonKb = anonKbAt(progress);
    return { progress, at: k, processes: [{ pid, label: "worker w", rssKb: anonKb + 40_000, anonKb }] };
  });
}

describe("judgeMemory", () => {
  it("passes a process that grows while warming up and then stays flat under a GC sawtooth", () => {
    const verdict = judgeMemory(
      run((p) => (p < 150 ? 60_000 + p * 200 : 95_000 + (p % 50) * 400)),
      1000,
    );
    expect(verdict.judged.map((v) => v.flat)).toEqual([true]);
  });

  it("fails a process whose memory keeps growing with the jobs it ran", () => {
    // 200 kB per job: 100 MB over the run.
    const verdict = judgeMemory(
      run((p) => 90_000 + p * 200),
      1000,
    );
    expect(verdict.judged).toHaveLength(1);
    expect(verdict.judged[0]!.flat).toBe(false);
    expect(verdict.judged[0]!.lateAnonKb).toBeGreaterThan(verdict.judged[0]!.limitAnonKb);
  });

  it("compares medians: one late spike does not fail a flat process", () => {
    const verdict = judgeMemory(
      run((p) => (p === 900 ? 900_000 : 100_000)),
      1000,
    );
    expect(verdict.judged[0]!.flat).toBe(true);
  });

  it("does not judge a process seen in one window only", () => {
    const early = run(() => 50_000, 1).filter((s) => s.progress < 500);
    const late = run(() => 500_000, 2).filter((s) => s.progress >= 500);
    const verdict = judgeMemory([...early, ...late], 1000);
    expect(verdict.judged).toEqual([]);
    expect(verdict.unjudged.map((u) => u.pid).sort()).toEqual([1, 2]);
  });

  it("ignores the warm-up share of the run", () => {
    expect(SOAK_RULE.warmup).toBeGreaterThan(0);
    const verdict = judgeMemory(
      run((p) => (p < SOAK_RULE.warmup * 1000 ? 1_000 : 100_000)),
      1000,
    );
    expect(verdict.judged[0]!.flat).toBe(true);
  });
});

describe("readMemory", () => {
  it("reads this process's RSS and anonymous memory, and null for a pid that does not exist", () => {
    const mine = readMemory(process.pid);
    expect(mine!.rssKb).toBeGreaterThan(mine!.anonKb);
    expect(mine!.anonKb).toBeGreaterThan(1024);
    expect(readMemory(2 ** 22 + 1)).toBeNull();
  });
});
