// One PostgreSQL cluster per test run, with a migrated template database that each test file
// clones (CREATE DATABASE … TEMPLATE), so files are isolated and migrations run once.
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { type Cluster, startCluster } from "../../scripts/db/cluster.ts";
import { enableFunctionsLogin } from "../../scripts/db/functions-role.ts";
import { migrate } from "../../scripts/db/migrate.ts";

export const TEMPLATE_DB = "ow_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgKind: string;
    pgFunctionsPassword: string;
  }
}

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function prepareTemplate(adminUrl: string): Promise<void> {
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await sql.unsafe(`create database ${TEMPLATE_DB}`);
  } finally {
    await sql.end();
  }
  await migrate(databaseUrl(adminUrl, TEMPLATE_DB));
}

let cluster: Cluster | undefined;

export default async function setup(project: TestProject) {
  let adminUrl = process.env.OW_TEST_PG_URL;
  let kind = "external";
  if (!adminUrl) {
    cluster = await startCluster({ dataDir: mkdtempSync(join(tmpdir(), "ow-test-pg-")) });
    adminUrl = cluster.url;
    kind = cluster.kind;
  }
  if (process.env.OW_TEST_TEMPLATE_READY !== "1") await prepareTemplate(adminUrl);
  // The functions under test log in as the least-privileged role, as they do in the local stack.
  const functionsPassword = randomBytes(18).toString("hex");
  await enableFunctionsLogin(adminUrl, functionsPassword);
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgFunctionsPassword", functionsPassword);
  project.provide("pgKind", kind);
  return async () => {
    await cluster?.stop();
  };
}
