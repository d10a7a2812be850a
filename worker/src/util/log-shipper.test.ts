import { describe, expect, it } from "vitest";
import { createShippingLogger } from "./log-shipper.ts";
import { createMemoryLogger } from "./logger.ts";

function fakeApi(statuses: number[] = []) {
  const bodies: { source: string; lines: string[] }[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    const status = statuses.shift() ?? 200;
    if (status === 0) throw new TypeError("fetch failed");
    if (status === 200) bodies.push(JSON.parse(String(init.body)));
    return new Response("{}", { status });
  }) as typeof fetch;
  return { bodies, fetchImpl };
}

const options = (fetchImpl: typeof fetch, extra = {}) => ({
  workerApiUrl: "http://api.test/worker-api",
  token: "ow_w",
  fetch: fetchImpl,
  intervalMs: 60_000,
  ...extra,
});

describe("worker log shipper", () => {
  it("ships info and above as worker lines, keeps debug local, and still logs everything locally", async () => {
    const { bodies, fetchImpl } = fakeApi();
    const inner = createMemoryLogger();
    const logger = createShippingLogger(inner, options(fetchImpl));
    logger.debug("noise");
    logger.info("registered", { worker_id: "w1" });
    logger.error("GPU 1 failed the matmul check");
    await logger.close();
    expect(inner.records.map((r) => r.message)).toEqual([
      "noise",
      "registered",
      "GPU 1 failed the matmul check",
    ]);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]?.source).toBe("worker");
    expect(bodies[0]?.lines).toEqual([
      expect.stringMatching(/ INFO {2}registered worker_id=w1$/),
      expect.stringMatching(/ ERROR GPU 1 failed the matmul check$/),
    ]);
  });

  it("keeps lines through a failed post and sends them on the next flush", async () => {
    const { bodies, fetchImpl } = fakeApi([0, 503]);
    const logger = createShippingLogger(createMemoryLogger(), options(fetchImpl));
    logger.info("one");
    await logger.flush();
    await logger.flush();
    expect(bodies).toEqual([]);
    await logger.close();
    expect(bodies.flatMap((b) => b.lines).map((l) => l.split(" ").at(-1))).toEqual(["one"]);
  });

  it("drops the oldest lines past its bound and says how many", async () => {
    const { bodies, fetchImpl } = fakeApi();
    const logger = createShippingLogger(createMemoryLogger(), options(fetchImpl, { maxQueued: 3 }));
    for (const n of [1, 2, 3, 4, 5]) logger.info(`line ${n}`);
    await logger.close();
    const lines = bodies.flatMap((b) => b.lines);
    expect(lines[0]).toBe("(2 worker log lines dropped: the api could not keep up)");
    expect(lines.slice(1).map((l) => l.slice(-6))).toEqual(["line 3", "line 4", "line 5"]);
  });

  it("gives up on lines the api refuses for good (a revoked token) instead of retrying forever", async () => {
    const { bodies, fetchImpl } = fakeApi([401]);
    const logger = createShippingLogger(createMemoryLogger(), options(fetchImpl));
    logger.info("after revocation");
    await logger.flush();
    logger.info("next");
    await logger.close();
    expect(bodies.flatMap((b) => b.lines).map((l) => l.slice(-4))).toEqual(["next"]);
  });
});
