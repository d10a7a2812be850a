// The job↔worker fit rule lives in SQL (internal.job_fits_worker, used by claim_job and the api's
// idle-capacity probe); the scaler plans with a TypeScript mirror (placement.ts `fits`), since it
// decides before any row exists. This test generates a grid of jobs × workers from the hardware
// catalog — every configuration named alone and in pairs, VRAM needs on and around every
// configuration's VRAM — evaluates the SQL function on every pair in one query against the real
// database, and fails on the first pair where the two disagree.
//
// Workers here have reported their VRAM (> 0). For a worker that has not yet (a `starting` row
// with vram_gb 0) the scaler assumes the catalog's figure while planning (workerCapacity); the
// database only ever judges reported values, so that estimate has no SQL counterpart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultCatalog } from "../../supabase/functions/_shared/hardware/index.ts";
import { ConstraintCache, fits, workerCapacity } from "../../supabase/functions/_shared/scaling/placement.ts";
import type { PendingJob, WorkerState } from "../../supabase/functions/_shared/scaling/types.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const catalog = defaultCatalog;
const types = [...new Set(catalog.configs.map((c) => c.hardwareType))];
const vrams = [...new Set(catalog.configs.map((c) => c.vramGb))].sort((a, b) => a - b);

function job(i: number, allowedHardware: string[] | null, requiresVramGb: number): PendingJob {
  return {
    id: `job-${i}`,
    organizationId: "org",
    image: "img",
    requiresVramGb,
    allowedHardware,
    priority: 0,
    createdAt: 0,
  };
}

function worker(i: number, hardwareType: string | null, vramGb: number): WorkerState {
  return {
    id: `w-${i}`,
    organizationId: "org",
    provider: "runpod",
    podId: null,
    status: "active",
    image: "img",
    hardwareType,
    gpuCount: 1,
    vramGb,
    costPerHour: 1,
    createdAt: 0,
    lastHeartbeatAt: 0,
    runningJobs: 0,
    lastActiveAt: 0,
  };
}

function grid() {
  const jobs: PendingJob[] = [];
  for (const v of [0, 1, ...vrams.flatMap((v) => [v - 1, v, v + 1]), 1536])
    jobs.push(job(jobs.length, null, Math.max(0, v)));
  for (const t of types) jobs.push(job(jobs.length, [t], 0), job(jobs.length + 1, [t], 1536));
  for (let i = 0; i + 1 < types.length; i += 3)
    jobs.push(job(jobs.length, [types[i] as string, types[i + 1] as string], 24));
  const workers: WorkerState[] = catalog.configs.map((c, i) => worker(i, c.hardwareType, c.vramGb));
  // Reported VRAM a little under and over the catalog's, and hardware the catalog does not know.
  for (const c of catalog.configs.slice(0, 8)) {
    workers.push(worker(workers.length, c.hardwareType, Math.max(1, c.vramGb - 3)));
    workers.push(worker(workers.length, c.hardwareType, c.vramGb + 5));
  }
  workers.push(worker(workers.length, "1x UNKNOWN-GPU", 48), worker(workers.length + 1, null, 24));
  return { jobs, workers };
}

describe("fit rule parity (SQL internal.job_fits_worker ↔ scaler placement.fits)", () => {
  it("agrees on every pair of a generated grid of jobs × workers", async () => {
    const { jobs, workers } = grid();
    const rows = await db.sql<{ job: string; worker: string; fits: boolean }[]>`
      select j.id as job, w.id as worker,
        internal.job_fits_worker(j.allowed_hardware, j.requires_vram_gb, w.hardware_type, w.vram_gb) as fits
      from jsonb_to_recordset(${db.sql.json(jobs.map((j) => ({ id: j.id, allowed_hardware: j.allowedHardware, requires_vram_gb: j.requiresVramGb })) as never)})
          as j(id text, allowed_hardware text[], requires_vram_gb integer),
        jsonb_to_recordset(${db.sql.json(workers.map((w) => ({ id: w.id, hardware_type: w.hardwareType, vram_gb: w.vramGb })) as never)})
          as w(id text, hardware_type text, vram_gb integer)`;
    expect(rows.length).toBe(jobs.length * workers.length);
    const cache = new ConstraintCache(catalog);
    const byId = (list: { id: string }[]) => new Map(list.map((x) => [x.id, x]));
    const jobById = byId(jobs) as Map<string, PendingJob>;
    const workerById = byId(workers) as Map<string, WorkerState>;
    const disagreements = rows.filter((r) => {
      const j = jobById.get(r.job) as PendingJob;
      const w = workerById.get(r.worker) as WorkerState;
      return fits(cache.fitOf(j), workerCapacity(w, catalog)) !== r.fits;
    });
    expect(disagreements.slice(0, 5)).toEqual([]);
    // The grid exercises both answers, on both branches of the rule.
    const named = new Set(jobs.filter((j) => j.allowedHardware).map((j) => j.id));
    for (const branch of [true, false])
      for (const answer of [true, false])
        expect(rows.some((r) => named.has(r.job) === branch && r.fits === answer)).toBe(true);
  });
});
