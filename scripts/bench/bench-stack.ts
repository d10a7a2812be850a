// A throwaway system for benchmarks: its own cluster, a migrated database, the Deno gateway over
// it and an organization with an admin token. Everything is removed by stop().
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { type Cluster, freePort, startCluster } from "../db/cluster.ts";
import { migrate } from "../db/migrate.ts";
import { type GatewayProcess, localFunctionEnv, startGateway } from "../gateway/spawn.ts";

export interface BenchStack {
  url: string; // …/functions/v1
  dbUrl: string;
  cluster: Cluster;
  gateway: GatewayProcess;
  orgId: string;
  adminToken: string;
  stop(): Promise<void>;
}

export async function startBenchStack(
  name: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchStack> {
  const dataDir = mkdtempSync(join(tmpdir(), `ow-bench-${name}-db-`));
  const filesDir = mkdtempSync(join(tmpdir(), `ow-bench-${name}-files-`));
  const cleanups: (() => Promise<unknown>)[] = [
    async () => rmSync(dataDir, { recursive: true, force: true }),
    async () => rmSync(filesDir, { recursive: true, force: true }),
  ];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  };
  try {
    const cluster = await startCluster({ dataDir });
    cleanups.push(() => cluster.stop());
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin.unsafe("create database ow_bench");
    await admin.end();
    const dbUrl = cluster.url.replace(/\/postgres$/, "/ow_bench");
    await migrate(dbUrl);
    const port = await freePort();
    const gateway = await startGateway({ ...localFunctionEnv({ dbUrl, port, filesDir }), ...extraEnv }, port);
    cleanups.push(() => gateway.stop());
    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    const [org] = await sql<
      { organization_id: string; token: string }[]
    >`select organization_id, token from internal.bootstrap_organization('bench')`;
    await sql.end();
    return {
      url: gateway.url,
      dbUrl,
      cluster,
      gateway,
      orgId: org!.organization_id,
      adminToken: org!.token,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
