// A worker on a rented H100 SXM pod registers with what nvidia-smi printed there and claims the job
// pinned to "1x H100S" that the pod was rented for; before, it registered as "1x H100", which no
// canonical `allowed_hardware` names, and the job waited while its pod idled.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseGpuQueryOutput, summarizeHardware } from "../../worker/src/gpu/nvidia-smi-parser.ts";
import { client, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => {
  await stack?.stop();
});

const h100 = summarizeHardware(
  parseGpuQueryOutput(
    readFileSync(new URL("../../worker/test/fixtures/nvidia-smi/h100.csv", import.meta.url), "utf8"),
  ),
);

it("a worker registered from nvidia-smi's output claims a job pinned to its canonical hardware", async () => {
  const image = "hw/pinned:1";
  const [minted] = await stack.db.sql<{ token: string }[]>`
    select token from internal.mint_worker_token(${stack.orgId}, 'hw-h100')`;
  const worker = client(stack.url, minted!.token);
  const registered = await worker("POST", "/worker-api/register", {
    image,
    provider: "runpod",
    hardware_type: h100.hardwareType,
    gpu_type: h100.gpuType,
    gpu_count: h100.gpuCount,
    vram_gb: h100.vramGb,
  });
  expect(registered.status, JSON.stringify(registered.body)).toBe(200);
  const [row] = await stack.db.sql<{ hardware_type: string }[]>`
    select hardware_type from public.workers where id = ${registered.body.worker_id}`;
  expect(row?.hardware_type).toBe("1x H100S");

  const job = await client(stack.url, stack.adminToken)("POST", "/api/jobs", {
    type: "pinned",
    image,
    entrypoint: ["true"],
    params: {},
    allowed_hardware: ["1x H100S"],
  });
  expect(job.status, JSON.stringify(job.body)).toBeLessThan(300);
  const claim = (await worker("POST", "/worker-api/claim", { wait_ms: 0 })).body.claim;
  expect(claim?.job.id).toBe(job.body.id);
});
