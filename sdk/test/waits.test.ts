// Timeouts mean what they say (issue 15): api.up({ timeout: 3000 }) gave up after one poll (12 ms)
// with a message claiming 3000 ms; jobs.wait gave up an interval early. Both now wait the whole
// timeout (on a fake clock) and say why the job still waits.
import { describe, expect, it } from "vitest";
import { OpenWeights } from "../src/node/index.ts";
import { BASE_URL, fakeClock, fakeFetch, jobBody, json } from "./support/fake-fetch.ts";

const REASON = "cannot run: no hardware the scaler may rent fits 900 GB";

function client(id: string, type: string) {
  const clock = fakeClock();
  const started = clock.now();
  const { fetch } = fakeFetch({
    [`GET /api/jobs/${id}`]: () => json(jobBody({ id, type, status: "pending", waiting_reason: REASON })),
    "POST /api/files/uploads": () =>
      json({ file_id: "custom_job_file:file-0123456789ab", upload_url: null, expires_at: null }),
    "POST /api/jobs": () =>
      json(
        {
          ...jobBody({ id, type, status: "pending", params: { model: "o/m", api_key: "k" } }),
          created: true,
        },
        201,
      ),
  });
  const ow = new OpenWeights({ apiKey: "k", baseURL: BASE_URL, fetch, clock });
  return { ow, waited: () => clock.now() - started };
}

describe("timeouts mean what they say", () => {
  it("jobs.wait gives up at its timeout, not an interval early, naming the waiting reason", async () => {
    const { ow, waited } = client("custom-000000000001", "custom");
    const error = await ow.jobs
      .wait("custom-000000000001", { timeout: 3000, pollInterval: 2000 })
      .catch((e) => e);
    expect(error.name).toBe("WaitTimeoutError");
    expect(error.message).toContain(REASON);
    expect(waited()).toBe(3000);
  });

  it("api.up waits its whole timeout and reports the waiting reason as it goes", async () => {
    const { ow, waited } = client("api-000000000001", "api");
    const deployment = await ow.api.deploy("o/m");
    const seen: (string | null)[] = [];
    const error = await deployment
      .up({ timeout: 3000, onProgress: (job) => seen.push(job.waiting_reason ?? null) })
      .catch((e) => e);
    expect(error.name).toBe("WaitTimeoutError");
    expect(error.message).toBe(`deployment api-000000000001 not ready after 3000 ms: pending (${REASON})`);
    expect(waited()).toBe(3000);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toBe(REASON);
  });
});
