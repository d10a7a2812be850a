// A real stack for integration tests: a database cloned from the migrated template, the Deno
// gateway serving every function against it, and an organization with an admin token.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/db/cluster.ts";
import { type GatewayProcess, localFunctionEnv, startGateway } from "../../scripts/gateway/spawn.ts";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface TestStack {
  url: string; // …/functions/v1
  db: TestDatabase;
  gateway: GatewayProcess;
  orgId: string;
  adminToken: string;
  filesDir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startTestStack(
  extraEnv: Record<string, string> = {},
  options: { functionsDbUrl?: (url: string) => string } = {},
): Promise<TestStack> {
  const db = await createTestDatabase();
  const port = await freePort();
  const filesDir = mkdtempSync(join(tmpdir(), "ow-files-"));
  // The functions log in as their least-privileged role (db.functionsUrl), possibly through a proxy.
  const dbUrl = options.functionsDbUrl?.(db.functionsUrl) ?? db.functionsUrl;
  const env = { ...localFunctionEnv({ dbUrl, port, filesDir, poolSize: 5 }), ...extraEnv };
  const gateway = await startGateway(env, port);
  const org = await createOrganization(db, "test-org");
  return {
    url: gateway.url,
    db,
    gateway,
    orgId: org.orgId,
    adminToken: org.token,
    filesDir,
    env,
    async stop() {
      await gateway.stop();
      await db.drop();
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

export async function createOrganization(
  db: TestDatabase,
  name: string,
): Promise<{ orgId: string; token: string }> {
  const [row] = await db.sql<
    { organization_id: string; token: string }[]
  >`select organization_id, token from internal.bootstrap_organization(${name})`;
  return { orgId: row!.organization_id, token: row!.token };
}

/** fetch with a bearer credential and JSON handling, for tests. */
/** A response body as tests read it: loosely, field by field (the one `any` of the test helpers). */
// biome-ignore lint/suspicious/noExplicitAny: tests inspect response bodies loosely
export type LooseBody = Record<string, any>;

export function client(baseUrl: string, credential: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${credential}`, ...headers } };
    if (body instanceof Uint8Array || typeof body === "string") init.body = body as BodyInit;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(`${baseUrl}${path}`, init);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json as LooseBody };
  };
}
