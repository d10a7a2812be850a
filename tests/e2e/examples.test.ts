// The cookbook examples against the real api: the GPU ones in validate mode (submitted, checked by
// the server, then canceled — no GPU worker exists here), the others for real.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiDeployment } from "../../examples/api-deployment.ts";
import type { Example } from "../../examples/example-runner.ts";
import { fineTuning } from "../../examples/fine-tuning.ts";
import { inference } from "../../examples/inference.ts";
import { tokens } from "../../examples/tokens.ts";
import { OpenWeights } from "../../sdk/src/node/index.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
}, 120_000);
afterAll(async () => stack?.stop());

async function run(example: Example): Promise<string[]> {
  const lines: string[] = [];
  await example({
    ow: new OpenWeights({ apiKey: stack.adminToken, baseURL: stack.url }),
    validateOnly: true,
    log: (l) => lines.push(l),
  });
  return lines;
}

describe("examples", () => {
  it("fine-tuning: the server accepts the job with the uploaded dataset and it can be canceled", async () => {
    const lines = await run(fineTuning);
    const id = /fine-tuning job (\S+):/.exec(lines[0] ?? "")?.[1];
    const [job] = await stack.db
      .sql`select status, image, entrypoint, mounts from jobs where id = ${id ?? ""}`;
    expect(job).toMatchObject({ status: "canceled", entrypoint: ["python3", "training/train.py"] });
    expect(Object.keys(job!.mounts as object).some((k) => k.startsWith("data/conversations:file-"))).toBe(
      true,
    );
  });

  it("inference: the server accepts the job with its prompts file", async () => {
    const lines = await run(inference);
    const id = /inference job (\S+):/.exec(lines[0] ?? "")?.[1];
    const [job] = await stack.db.sql`select status, type from jobs where id = ${id ?? ""}`;
    expect(job).toMatchObject({ status: "canceled", type: "inference" });
  });

  it("api deployment: deploy submits a serving job and down cancels it", async () => {
    const lines = await run(apiDeployment);
    const id = /deployment job (\S+)/.exec(lines[0] ?? "")?.[1];
    const [job] = await stack.db.sql`select status, type from jobs where id = ${id ?? ""}`;
    expect(job).toMatchObject({ status: "canceled", type: "api" });
  });

  it("tokens: a minted token works, is listed, and is revoked", async () => {
    const lines = await run(tokens);
    expect(lines.join("\n")).toMatch(/acts for organization [0-9a-f-]{36}/);
    const [row] = await stack.db
      .sql`select count(*)::int as n from api_tokens where name = 'ci pipeline' and revoked_at is not null`;
    expect(row?.n).toBe(1);
  });
});
