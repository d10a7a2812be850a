import { describe, expect, it } from "vitest";
import { WorkerApiClient } from "./worker-api-client.ts";
import { WorkerApiError } from "./worker-api-error.ts";

function clientAnswering(status: number, body: unknown) {
  const requests: Request[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push(new Request(input, init));
    return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  }) as typeof fetch;
  const client = new WorkerApiClient({
    workerApiUrl: "http://api.test/functions/v1/worker-api/",
    token: "ow_w",
    fetch: fetchImpl,
  });
  return { client, requests };
}

describe("worker API client", () => {
  it("sends the worker token and JSON to the worker-api path", async () => {
    const { client, requests } = clientAnswering(200, { accepted: true });
    await client.postLogs("3f1c", { seq: 4, streams: "oe", lines: ["a", "b"] });
    const request = requests[0] as Request;
    expect(request.url).toBe("http://api.test/functions/v1/worker-api/runs/3f1c/logs");
    expect(request.headers.get("authorization")).toBe("Bearer ow_w");
    expect(await request.json()).toEqual({ seq: 4, streams: "oe", lines: ["a", "b"] });
  });

  it("turns 409 lease_lost into an error that says the lease is lost", async () => {
    const { client } = clientAnswering(409, {
      error: { code: "lease_lost", message: "gone", request_id: "r" },
    });
    const error = await client.complete("r1", 0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerApiError);
    expect(error).toMatchObject({ status: 409, code: "lease_lost", leaseLost: true, retryable: false });
  });

  it("marks 503 and network failures retryable, 400 and 401 not", async () => {
    const unavailable = await clientAnswering(503, {})
      .client.heartbeat([])
      .catch((e: WorkerApiError) => e);
    expect(unavailable).toMatchObject({ retryable: true });
    const invalid = await clientAnswering(400, {
      error: { code: "invalid_request", message: "x", request_id: "r" },
    })
      .client.heartbeat([])
      .catch((e: WorkerApiError) => e);
    expect(invalid).toMatchObject({ retryable: false, code: "invalid_request" });
    const revoked = await clientAnswering(401, {
      error: { code: "token_revoked", message: "x", request_id: "r" },
    })
      .client.claim(0)
      .catch((e: WorkerApiError) => e);
    expect(revoked).toMatchObject({ credentialsRejected: true });
    const offline = new WorkerApiClient({
      workerApiUrl: "http://api.test",
      token: "t",
      fetch: (async () => {
        throw new TypeError("fetch failed");
      }) as typeof fetch,
    });
    expect(await offline.stop("x").catch((e: WorkerApiError) => e)).toMatchObject({
      status: null,
      retryable: true,
    });
  });

  it("refuses an answer that does not follow the contract", async () => {
    const { client } = clientAnswering(200, { claim: { run_id: "not-a-uuid" } });
    await expect(client.claim(0)).rejects.toMatchObject({ code: "invalid_response" });
  });
});
