import { describe, expect, it } from "vitest";
import { terminateOwnPod } from "./terminate-own-pod.ts";

function recordingFetch(status: number, body = "") {
  const calls: { url: string; method: string; headers: Record<string, string> }[] = [];
  const fetchImpl = (async (url: string | URL | Request, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? "GET",
      headers: init?.headers as Record<string, string>,
    });
    return new Response(body || null, { status });
  }) as typeof fetch;
  return { calls, fetchImpl };
}

describe("terminating the worker's own RunPod pod", () => {
  it("sends DELETE /v2/pods/{id} with the pod-scoped key as a bearer token", async () => {
    const { calls, fetchImpl } = recordingFetch(204);
    const result = await terminateOwnPod({
      podId: "abc123xyz",
      apiKey: "pod-key",
      restUrl: "https://api.runpod.io/v2/",
      fetch: fetchImpl,
    });
    expect(result).toEqual({ ok: true, status: 204 });
    expect(calls).toEqual([
      {
        url: "https://api.runpod.io/v2/pods/abc123xyz",
        method: "DELETE",
        headers: { authorization: "Bearer pod-key", accept: "application/json" },
      },
    ]);
  });

  it("counts a pod that is already gone as terminated", async () => {
    const { fetchImpl } = recordingFetch(404, '{"title":"Not Found","status":404}');
    expect(
      await terminateOwnPod({ podId: "p", apiKey: "k", restUrl: "https://x/v2", fetch: fetchImpl }),
    ).toEqual({
      ok: true,
      status: 404,
    });
  });

  it("reports a refusal without throwing", async () => {
    const { fetchImpl } = recordingFetch(401, '{"title":"Unauthorized"}');
    const result = await terminateOwnPod({
      podId: "p",
      apiKey: "bad",
      restUrl: "https://x/v2",
      fetch: fetchImpl,
    });
    expect(result).toEqual({ ok: false, status: 401, message: '{"title":"Unauthorized"}' });
  });

  it("reports a network failure without throwing", async () => {
    const fetchImpl = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const result = await terminateOwnPod({
      podId: "p",
      apiKey: "k",
      restUrl: "https://x/v2",
      fetch: fetchImpl,
    });
    expect(result).toMatchObject({ ok: false, status: null });
  });
});
