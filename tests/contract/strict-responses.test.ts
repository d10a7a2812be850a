// Every declared route of api, worker-api and scale, called through the real Deno gateway on a
// real database, each answer parsed with the STRICT form of its declared response schema (no
// key the contract does not name, open enums limited to today's values) and every error with the
// strict error body. The suite fails unless every declared route answered 2xx at least once.
import { createHash, randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccessRoutes as A,
  ALL_FUNCTION_ROUTES,
  API_ROUTES as API,
  FileRoutes as F,
  JobRoutes as J,
  ScaleRoutes as S,
  SCALE_ROUTES as SCALE,
  WorkerApiRoutes as W,
  WORKER_API_ROUTES as WAPI,
  WorkerRoutes as WR,
} from "../../supabase/functions/_shared/contract/routes/index.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";
import { newTally, routeCaller } from "./route-client.ts";

const SCALE_SECRET = randomBytes(24).toString("hex");
const IMAGE = "strict/suite:1";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

let stack: TestStack;
const tally = newTally();
let call: ReturnType<typeof routeCaller>;

beforeAll(async () => {
  // The scaler with no RunPod reachable: a tick on an empty queue plans nothing.
  stack = await startTestStack({ OW_SCALE_SECRET: SCALE_SECRET, OW_RUNPOD_REST_URL: "http://127.0.0.1:9" });
  call = routeCaller(stack.url, tally);
}, 180_000);
afterAll(async () => stack?.stop());

async function ok<T extends { status: number; text: string }>(p: Promise<T>, what: string): Promise<T> {
  const a = await p;
  if (a.status >= 300) throw new Error(`${what} answered ${a.status}: ${a.text.slice(0, 300)}`);
  return a;
}

describe("strict responses: every declared route through the real stack", () => {
  it("access, tokens, members, organizations and secrets", async () => {
    const admin = stack.adminToken;
    await ok(call(API, A.health), "health");
    await ok(call(API, A.openapi), "openapi");
    await ok(call(API, A.exchangeToken, { json: { token: admin } }), "exchange");
    await ok(call(API, A.jwks), "jwks");
    await ok(call(API, A.me, { token: admin }), "me");
    await ok(call(API, A.renameOrganization, { token: admin, json: { name: "strict-org" } }), "rename");
    await ok(call(API, A.listTokens, { token: admin }), "tokens");
    const minted = await ok(call(API, A.createToken, { token: admin, json: { name: "strict" } }), "mint");
    await ok(call(API, A.revokeToken, { token: admin, params: { id: minted.body.id } }), "revoke");
    const email = `strict-${randomBytes(4).toString("hex")}@example.com`;
    const [user] = await stack.db.sql<
      { id: string }[]
    >`insert into auth.users (email) values (${email}) returning id`;
    await ok(call(API, A.addMember, { token: admin, json: { email } }), "add member");
    await ok(call(API, A.listMembers, { token: admin }), "members");
    const member = { token: admin, params: { user_id: user!.id } };
    // Kept a member: the only admin member could not be removed (an organization keeps one admin).
    await ok(call(API, A.updateMember, { ...member, json: { role: "member" } }), "member role");
    await ok(call(API, A.removeMember, member), "remove member");
    await ok(call(API, A.listOrganizations, { token: admin }), "organizations");
    await ok(call(API, A.createOrganization, { token: admin, json: { name: "strict-new" } }), "new org");
    await ok(call(API, A.limits, { token: admin }), "limits");
    await ok(call(API, A.updateLimits, { token: admin, json: { max_workers: 4 } }), "set limits");
    await ok(call(API, A.usage, { token: admin }), "usage");
    const secret = { token: admin, params: { name: "STRICT_SECRET" } };
    await ok(call(API, A.putSecret, { ...secret, json: { value: "v" } }), "put secret");
    await ok(call(API, A.listSecrets, { token: admin }), "secrets");
    await ok(call(API, A.deleteSecret, secret), "delete secret");
    // Refusals are held to the strict error body too.
    expect((await call(API, A.me, { token: "ow_nope" })).status).toBe(401);
    expect((await call(API, A.putSecret, { ...secret, json: { value: "" } })).status).toBe(400);
  }, 120_000);

  it("files: direct, signed (local store), listing, content and deletion", async () => {
    const admin = stack.adminToken;
    const upload = (name: string, body: string) =>
      call(API, F.upload, {
        token: admin,
        query: { purpose: "custom_job_file", filename: name },
        raw: { type: "application/octet-stream", body },
      });
    const file = await ok(upload("main.py", "print('strict')\n"), "upload");
    await ok(call(API, F.list, { token: admin }), "files");
    await ok(call(API, F.retrieve, { token: admin, params: { id: file.body.id } }), "file");
    await ok(call(API, F.content, { token: admin, params: { id: file.body.id } }), "content");
    const doomed = await ok(upload("doomed.txt", "bye"), "upload 2");
    await ok(call(API, F.delete, { token: admin, params: { id: doomed.body.id } }), "delete");
    for (const [i, named] of [
      [1, true],
      [2, false],
    ] as const) {
      const content = `signed upload ${i} ${randomBytes(4).toString("hex")}`;
      const created = await ok(
        call(API, F.createUpload, {
          token: admin,
          json: {
            purpose: "custom_job_file",
            filename: `signed-${i}.txt`,
            bytes: content.length,
            sha256: sha(content),
            org_sha256: sha(content + stack.orgId),
          },
        }),
        "signed upload",
      );
      const token = String(created.body.upload_url).split("/local-files/")[1] ?? "";
      await ok(
        call(API, F.localPut, {
          params: { token },
          raw: { type: "application/octet-stream", body: content },
        }),
        "PUT",
      );
      const done = { token: admin, json: { upload_id: created.body.upload_id } };
      if (named)
        await ok(
          call(API, F.completeUpload, { ...done, params: { file_id: created.body.file_id } }),
          "complete",
        );
      else await ok(call(API, F.completeUploadUnnamed, done), "complete (unnamed)");
    }
  }, 120_000);

  it("scale, the worker protocol and what jobs did", async () => {
    const admin = stack.adminToken;
    await ok(call(SCALE, S.health), "scale health");
    // The queue is empty, so the tick plans nothing; its answer is still held to the contract.
    await ok(call(SCALE, S.tick, { token: SCALE_SECRET }), "tick");
    expect((await call(SCALE, S.tick, { token: "wrong-secret-wrong-secret" })).status).toBe(401);

    const [minted] = await stack.db.sql<{ token: string }[]>`
      select token from internal.mint_worker_token(${stack.orgId}, 'strict-worker')`;
    const worker = minted!.token;
    await ok(call(WAPI, W.health), "worker health");
    await ok(call(WAPI, W.register, { token: worker, json: { image: IMAGE, vram_gb: 24 } }), "register");
    await ok(call(WAPI, W.heartbeat, { token: worker, json: {} }), "heartbeat");
    await ok(call(WAPI, W.workerLogs, { token: worker, json: { source: "worker", lines: ["up"] } }), "logs");
    await ok(
      call(WAPI, W.workerLogs, { token: worker, raw: { type: "text/plain", body: "boot\n" } }),
      "boot",
    );

    const file = await ok(
      call(API, F.upload, {
        token: admin,
        query: { purpose: "custom_job_file", filename: "job.py" },
        raw: { type: "application/octet-stream", body: "print(1)\n" },
      }),
      "job file",
    );
    const submit = (n: number) =>
      ok(
        call(API, J.submit, {
          token: admin,
          json: {
            type: "strict",
            image: IMAGE,
            entrypoint: ["python", "job.py"],
            params: { n },
            mounts: { "job.py": file.body.id },
            requires_vram_gb: 0,
          },
        }),
        `submit ${n}`,
      );
    const done = await submit(1);
    const claimed = await ok(call(WAPI, W.claim, { token: worker, json: { wait_ms: 0 } }), "claim");
    const claim = claimed.body.claim;
    expect(claim?.job.id).toBe(done.body.id);
    const mountToken = String(claim.mounts[0].url).split("/local-files/")[1] ?? "";
    await ok(call(API, F.localGet, { params: { token: mountToken } }), "mount download");
    const run = { token: worker, params: { run_id: claim.run_id } };
    await ok(call(WAPI, W.heartbeat, { token: worker, json: { run_ids: [claim.run_id] } }), "run heartbeat");
    await ok(call(WAPI, W.runLogs, { ...run, json: { seq: 0, streams: "o", lines: ["hello"] } }), "run logs");
    await ok(
      call(WAPI, W.runEvents, { ...run, json: { events: [{ seq: 0, data: { step: 1, loss: 1 } }] } }),
      "events",
    );
    await ok(
      call(WAPI, W.runResults, {
        ...run,
        query: { path: "out.txt" },
        raw: { type: "application/octet-stream", body: "result" },
      }),
      "result",
    );
    const signed = "signed result";
    const ticket = await ok(
      call(WAPI, W.runResultUpload, {
        ...run,
        json: {
          path: "signed.txt",
          bytes: signed.length,
          sha256: sha(signed),
          org_sha256: sha(signed + stack.orgId),
        },
      }),
      "result ticket",
    );
    const uploadToken = String(ticket.body.upload_url).split("/local-files/")[1] ?? "";
    await ok(
      call(API, F.localPut, {
        params: { token: uploadToken },
        raw: { type: "application/octet-stream", body: signed },
      }),
      "signed result upload",
    );
    await ok(
      call(WAPI, W.runResultFinalize, { ...run, json: { upload_id: ticket.body.upload_id } }),
      "finalize",
    );
    await ok(call(WAPI, W.complete, { ...run, json: { exit_code: 0 } }), "complete");

    const failing = await submit(2);
    const second = (await ok(call(WAPI, W.claim, { token: worker, json: {} }), "claim 2")).body.claim;
    expect(second?.job.id).toBe(failing.body.id);
    const failed = { token: worker, params: { run_id: second.run_id }, json: { failure_kind: "user_error" } };
    await ok(call(WAPI, W.fail, failed), "fail");

    const job = { token: admin, params: { id: done.body.id } };
    await ok(call(API, J.list, { token: admin, query: { limit: "1" } }), "jobs");
    await ok(call(API, J.retrieve, job), "job");
    await ok(call(API, J.runs, job), "runs");
    await ok(call(API, J.events, job), "job events");
    await ok(call(API, J.latestEvents, job), "latest");
    const metrics = await ok(call(API, J.metrics, { ...job, query: { buckets: "10" } }), "metrics");
    expect(metrics.body.series).toEqual([
      { run_id: claim.run_id, name: "loss", points: 1, steps: [1], values: [1] },
    ]);
    await ok(call(API, J.logs, job), "job logs");
    const pending = await submit(3);
    await ok(call(API, J.cancel, { token: admin, params: { id: pending.body.id } }), "cancel");
    await ok(call(API, J.restart, { token: admin, params: { id: pending.body.id } }), "restart");
    expect((await call(API, J.cancel, job)).status).toBe(409);

    const w = { token: admin, params: { id: "strict-worker" } };
    await ok(call(API, WR.list, { token: admin }), "workers");
    await ok(call(API, WR.logs, w), "worker logs");
    await ok(call(API, WR.hardware, { token: admin }), "hardware");
    await ok(call(API, WR.shutdown, w), "shutdown");
    await ok(call(WAPI, W.stop, { token: worker, json: { reason: "strict suite done" } }), "stop");
  }, 180_000);

  it("every declared route answered 2xx, and every answer matched its strict contract", () => {
    const declared = ALL_FUNCTION_ROUTES.flatMap((g) => g.routes.map((r) => r.name));
    console.log(
      `strict responses: ${declared.length} routes, ${tally.requests} requests, ${tally.fiveHundreds} 5xx, ${tally.problems.length} contract problems`,
    );
    expect(tally.problems).toEqual([]);
    expect(declared.filter((name) => !tally.succeeded.has(name))).toEqual([]);
    expect(tally.fiveHundreds).toBe(0);
  });
});
