// A job of the stack's organization claimed by a fresh worker, for tests of the run-scoped worker
// routes (result uploads, events): its run id, the worker's client and its token.
import { expect } from "vitest";
import { client, type TestStack } from "./stack.ts";

export async function claimedRun(stack: TestStack, key: string, image = `results/${key}:1`) {
  const [minted] = await stack.db.sql<{ token: string }[]>`
    select token from internal.mint_worker_token(${stack.orgId}, ${`results-${key}`})`;
  const worker = client(stack.url, minted!.token);
  expect((await worker("POST", "/worker-api/register", { image, vram_gb: 80 })).status).toBe(200);
  const job = await client(stack.url, stack.adminToken)("POST", "/api/jobs", {
    type: "results",
    image,
    entrypoint: ["true"],
    params: { key },
    requires_vram_gb: 0,
  });
  expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);
  const claim = (await worker("POST", "/worker-api/claim", { wait_ms: 0 })).body.claim;
  expect(claim?.job.id).toBe(job.body.id);
  return { runId: claim.run_id as string, worker, token: minted!.token };
}
