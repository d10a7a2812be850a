import { describe, expect, it } from "vitest";
import { DeploymentFailedError, OpenWeightsError } from "../../src/index.ts";
import { loadOpenAI } from "../../src/jobs/openai-client.ts";
import { apiError, type Handler, jobBody, json, ORG_ID } from "../support/fake-fetch.ts";
import { client, fakeServer } from "./support.ts";

const JOB_ID = "api-0123456789ab";
const RUN_ID = "00000000-0000-4000-8000-0000000000aa";

function run(status: string) {
  return {
    id: RUN_ID,
    job_id: JOB_ID,
    worker_id: "w1",
    attempt: 1,
    status,
    lease_expires_at: null,
    exit_code: null,
    failure_kind: null,
    failure_message: null,
    started_at: "2026-01-01T00:00:00Z",
    finished_at: null,
  };
}

function readyEvent(data: Record<string, unknown>) {
  return { id: 1, run_id: RUN_ID, job_id: JOB_ID, seq: 1, type: "api_ready", data, created_at: "t" };
}

/** A serving job that is pending, then running without api_ready, then ready. */
function servingLife(
  statuses: string[],
  ready: Record<string, unknown>,
  extra: Record<string, Handler> = {},
) {
  let polls = 0;
  let eventPolls = 0;
  const server = fakeServer({
    "POST /api/jobs": (call) => {
      const body = JSON.parse(new TextDecoder().decode(call.body)) as Record<string, unknown>;
      return json({ ...jobBody({ id: JOB_ID }), ...body, created: true }, 201);
    },
    [`GET /api/jobs/${JOB_ID}`]: () => {
      const status = statuses[Math.min(polls++, statuses.length - 1)];
      return json(
        jobBody({ id: JOB_ID, type: "api", status, failure_message: status === "failed" ? "OOM" : null }),
      );
    },
    [`GET /api/jobs/${JOB_ID}/runs`]: () => json({ object: "list", data: [run("in_progress")] }),
    [`GET /api/jobs/${JOB_ID}/events`]: () =>
      json({ object: "list", data: eventPolls++ === 0 ? [] : [readyEvent(ready)], next_cursor: null }),
    [`POST /api/jobs/${JOB_ID}/cancel`]: () => json(jobBody({ id: JOB_ID, status: "canceled" })),
    ...extra,
  });
  return server;
}

const READY = {
  type: "api_ready",
  base_url: "http://served.test/v1",
  port: 8000,
  api_key: "gen-key",
  api_key_source: "generated",
};

describe("api.deploy", () => {
  it("submits a serving job with the deploy defaults, the serving VRAM guess and a finite timeout", async () => {
    const server = servingLife(["pending"], READY);
    await client(server).api.deploy("Qwen/Qwen3-8B", { max_model_len: 4096 });
    expect(server.submissions()[0]).toMatchObject({
      type: "api",
      entrypoint: ["python3", "serve/serve.py"],
      requires_vram_gb: 21,
      timeout_seconds: 4 * 3600,
      params: { model: "Qwen/Qwen3-8B", max_num_seqs: 100, max_model_len: 4096, api_key: null },
    });
  });

  it("up() waits for in_progress and the run's api_ready event, then exposes its URL and key", async () => {
    const server = servingLife(["pending", "in_progress", "in_progress"], READY);
    const deployment = await (await client(server).api.deploy("o/m")).up({ pollInterval: 1000 });
    expect(deployment.baseURL).toBe("http://served.test/v1");
    expect(deployment.apiKey).toBe("gen-key");
    const eventQueries = server.calls.filter((c) => c.path.endsWith("/events"));
    expect(eventQueries).toHaveLength(2);
    expect(eventQueries[0]?.query.get("run_id")).toBe(RUN_ID);
    expect(eventQueries[0]?.query.get("type")).toBe("api_ready");
  });

  it("up() falls back to the worker's RunPod proxy URL and keeps a key given in params", async () => {
    const worker = {
      id: "w1",
      organization_id: ORG_ID,
      status: "active",
      provider: "runpod",
      pod_id: "pod42",
      image: "i",
      hardware_type: null,
      gpu_type: null,
      gpu_count: 1,
      vram_gb: 80,
      cached_models: [],
      cost_per_hour: 1,
      shutdown_requested: false,
      last_heartbeat_at: null,
      created_at: "t",
      terminated_at: null,
    };
    const server = servingLife(
      ["in_progress"],
      { type: "api_ready", port: 8000, api_key_source: "params" },
      {
        "GET /api/workers": () => json({ object: "list", data: [worker], next_cursor: null }),
      },
    );
    const deployment = await client(server).api.deploy("o/m", { api_key: "mine" });
    await deployment.up();
    expect(deployment.baseURL).toBe("https://pod42-8000.proxy.runpod.net/v1");
    expect(deployment.apiKey).toBe("mine");
  });

  it("up() fails with the job's message when the serving job fails", async () => {
    const server = servingLife(["pending", "failed"], READY);
    const error = await (await client(server).api.deploy("o/m")).up().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(String(error)).toContain("OOM");
  });

  it("down() cancels the job and tolerates one that already ended", async () => {
    const server = servingLife(["in_progress"], READY);
    const deployment = await client(server).api.deploy("o/m");
    await deployment.down();
    expect(server.calls.some((c) => c.method === "POST" && c.path.endsWith(`/jobs/${JOB_ID}/cancel`))).toBe(
      true,
    );
    const ended = servingLife(["completed"], READY, {
      [`POST /api/jobs/${JOB_ID}/cancel`]: () => apiError(409, "job_not_cancelable"),
    });
    await expect((await client(ended).api.deploy("o/m")).down()).resolves.toBeUndefined();
  });

  it("openai() returns an OpenAI client bound to the deployment", async () => {
    const server = servingLife(["in_progress"], READY);
    const deployment = await client(server).api.deploy("o/m");
    await expect(deployment.openai()).rejects.toThrow(/not up yet/);
    await deployment.up();
    const openai = await deployment.openai();
    expect(openai.baseURL).toBe("http://served.test/v1");
    expect(openai.apiKey).toBe("gen-key");
  });

  it("explains how to install openai when the optional peer is missing", async () => {
    const missing = () => Promise.reject(new Error("Cannot find package 'openai'"));
    const error = await loadOpenAI(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenWeightsError);
    expect(String(error)).toContain("npm install openai");
  });
});

describe("chat.completions.create", () => {
  const completion = { id: "c1", object: "chat.completion", created: 1, model: "o/m", choices: [] };

  it("deploys the model once, waits for it, and sends calls to it with the deployment's key", async () => {
    const server = servingLife(["in_progress"], READY, {
      "POST /v1/chat/completions": () => json(completion),
    });
    const ow = client(server);
    const body = { model: "o/m", messages: [{ role: "user", content: "hi" }] };
    expect(await ow.chat.completions.create(body)).toMatchObject({ id: "c1" });
    await ow.chat.completions.create(body);
    expect(server.submissions()).toHaveLength(1);
    const calls = server.calls.filter((c) => c.path === "/v1/chat/completions");
    expect(calls).toHaveLength(2);
    expect(calls[0]?.headers.get("authorization")).toBe("Bearer gen-key");
    expect(server.bodyJson(calls[0]!)).toMatchObject(body);
  });

  it("forgets a deployment that failed to start, and close() cancels the ones it started", async () => {
    const failing = servingLife(["failed"], READY);
    const ow = client(failing);
    await expect(ow.chat.completions.create({ model: "o/m", messages: [] })).rejects.toThrow(
      DeploymentFailedError,
    );
    await expect(ow.chat.completions.create({ model: "o/m", messages: [] })).rejects.toThrow(
      DeploymentFailedError,
    );
    expect(failing.submissions()).toHaveLength(2);

    const server = servingLife(["in_progress"], READY, {
      "POST /v1/chat/completions": () => json(completion),
    });
    const live = client(server);
    await live.chat.completions.create({ model: "o/m", messages: [] });
    await live.chat.close();
    expect(server.calls.filter((c) => c.path.endsWith("/cancel"))).toHaveLength(1);
  });
});

describe("chat after down()", () => {
  const completion = { id: "c1", object: "chat.completion", created: 1, model: "o/m", choices: [] };
  const body = { model: "o/m", messages: [{ role: "user", content: "hi" }] };

  it("does not resubmit a deployment that api.down() stopped until api.deploy starts it again", async () => {
    const server = servingLife(["in_progress"], READY, {
      "POST /v1/chat/completions": () => json(completion),
    });
    const ow = client(server);
    const deployment = await (await ow.api.deploy("o/m")).up();
    await deployment.down();
    const error = await ow.chat.completions.create(body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeploymentFailedError);
    expect(String(error)).toContain(`job ${JOB_ID}) was stopped with down()`);
    expect(server.submissions()).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === "/v1/chat/completions")).toHaveLength(0);

    await ow.api.deploy("o/m");
    expect(await ow.chat.completions.create(body)).toMatchObject({ id: "c1" });
    expect(server.submissions()).toHaveLength(3);
  });

  it("drops its own cached connection when the deployment it started is stopped through a handle", async () => {
    const server = servingLife(["in_progress"], READY, {
      "POST /v1/chat/completions": () => json(completion),
    });
    const ow = client(server);
    await ow.chat.completions.create(body);
    await (await ow.chat.completions.deployment("o/m")).down();
    await expect(ow.chat.completions.create(body)).rejects.toThrow(/stopped with down\(\)/);
    expect(server.submissions()).toHaveLength(1);
    expect(server.calls.filter((c) => c.path === "/v1/chat/completions")).toHaveLength(1);
  });
});
