// The api wakes the scaler after a submission only when no idle worker can take the job; tested
// in-process through makeApp(deps).request(), with the real database behind it.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hardwarePort } from "../../supabase/functions/_runtime/function-deps.ts";
import { createLocalDiskStore } from "../../supabase/functions/_runtime/local-disk-store.ts";
import { createSecretBox } from "../../supabase/functions/_shared/auth/secret-box.ts";
import { createTokenSigner } from "../../supabase/functions/_shared/auth/token-signer.ts";
import { connectDatabase } from "../../supabase/functions/_shared/db/connect.ts";
import { Notifier } from "../../supabase/functions/_shared/db/notifier.ts";
import type { Sql } from "../../supabase/functions/_shared/db/session.ts";
import { makeApp } from "../../supabase/functions/api/app.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";
import { createOrganization } from "../support/stack.ts";

let db: TestDatabase;
let sql: Sql;
let filesDir: string;
let app: ReturnType<typeof makeApp>;
let token: string;
let orgId: string;
let kicks = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  sql = connectDatabase(db.url, 2);
  filesDir = mkdtempSync(join(tmpdir(), "ow-kick-"));
  const signer = await createTokenSigner({ kind: "hs256", secret: randomBytes(32).toString("hex") });
  app = makeApp({
    sql,
    signer,
    secrets: await createSecretBox(randomBytes(32).toString("base64")),
    store: createLocalDiskStore({ root: filesDir, signUrl: async (key) => key }),
    notifier: new Notifier(sql),
    hardware: hardwarePort,
    config: { jwtTtlSeconds: 60, maxUploadBytes: 1_000_000, publicUrl: "http://127.0.0.1/functions/v1" },
    kickScaler: () => {
      kicks += 1;
    },
  });
  ({ orgId, token } = await createOrganization(db, "kick"));
});
afterAll(async () => {
  await sql.end();
  await db.drop();
  rmSync(filesDir, { recursive: true, force: true });
});

async function submit(params: Record<string, unknown>, vram = 16) {
  const res = await app.request("/api/jobs", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({
      type: "custom",
      image: "ow/kick:1",
      entrypoint: ["true"],
      params,
      requires_vram_gb: vram,
    }),
  });
  expect(res.status).toBeLessThan(300);
  return res.json() as Promise<{ id: string; created: boolean }>;
}

describe("waking the scaler after a submission", () => {
  it("wakes it when no worker can take the job, and not for a resubmission of a waiting job", async () => {
    const before = kicks;
    await submit({ n: 1 });
    expect(kicks).toBe(before + 1);
    await submit({ n: 1 });
    expect(kicks).toBe(before + 1);
  });

  it("lets an idle worker that fits take the job without waking the scaler, but wakes it for one that does not fit", async () => {
    await db.sql`insert into workers (id, organization_id, status, image, vram_gb, last_heartbeat_at) values ('w-idle-kick', ${orgId}, 'active', 'ow/kick:1', 24, now())`;
    const before = kicks;
    await submit({ n: 2 }, 16);
    expect(kicks).toBe(before);
    await submit({ n: 3 }, 80);
    expect(kicks).toBe(before + 1);
  });
});
