// One downsampling rule, two copies: the api's GET /jobs/:id/metrics does it in SQL
// (metric-series-sql.ts), the dashboard's plot in TypeScript (downsample.ts). Both run here on the
// same series (random walks with spikes, several lengths and bucket counts) and must keep the same
// points; a change to either copy alone fails this test.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minMaxDownsample } from "../../dashboard/lib/downsample.ts";
import { METRIC_SERIES_SQL } from "../../supabase/functions/api/routes/metric-series-sql.ts";
import { createOrg } from "../support/claims.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

function walk(n: number, seed: number): number[] {
  let x = seed;
  let value = 0;
  return Array.from({ length: n }, (_, i) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    value += (x / 2147483648 - 0.5) * (i % 97 === 0 ? 40 : 1);
    return Math.round(value * 1000) / 1000;
  });
}

async function jobWithSeries(series: Record<string, number[]>): Promise<{ jobId: string; runId: string }> {
  const org = await createOrg(db.sql, "parity");
  const [job] = await db.sql<
    { id: string }[]
  >`insert into public.jobs (id, organization_id, type, image, entrypoint)
    values (${`parity-${randomBytes(6).toString("hex")}`}, ${org.id}, 'custom', 'ow/parity:1', '{true}')
    returning id`;
  const [run] = await db.sql<
    { id: string }[]
  >`insert into public.runs (job_id, organization_id, worker_id, attempt, lease_expires_at)
    values (${job!.id}, ${org.id}, 'w-parity', 1, now() + interval '1 minute') returning id`;
  const n = Math.max(...Object.values(series).map((s) => s.length));
  const rows = Array.from({ length: n }, (_, step) => ({
    run_id: run!.id,
    job_id: job!.id,
    organization_id: org.id,
    seq: step,
    type: "metrics",
    data: {
      type: "metrics",
      step,
      ...Object.fromEntries(
        Object.entries(series).flatMap(([k, v]) => (step < v.length ? [[k, v[step]]] : [])),
      ),
    },
  }));
  for (let i = 0; i < rows.length; i += 5000)
    await db.sql`insert into public.events ${db.sql(rows.slice(i, i + 5000) as never[])}`;
  return { jobId: job!.id, runId: run!.id };
}

describe("metric downsampling: the api's SQL and the dashboard's plot keep the same points", () => {
  it("agrees on every series, long and short, for several bucket counts", async () => {
    const series = { loss: walk(5_003, 7), lr: walk(3_000, 11), tiny: walk(13, 3) };
    const { jobId, runId } = await jobWithSeries(series);
    for (const buckets of [10, 997, 1500]) {
      const [row] = await db.sql.unsafe(METRIC_SERIES_SQL, [jobId, buckets]);
      const got = row!.series as {
        run_id: string;
        name: string;
        points: number;
        steps: number[];
        values: number[];
      }[];
      expect(got.map((s) => s.name)).toEqual(["loss", "lr", "tiny"]);
      for (const s of got) {
        const ys = series[s.name as keyof typeof series];
        const want = minMaxDownsample(
          ys.map((_, i) => i),
          ys,
          buckets,
        );
        expect({ name: s.name, buckets, steps: s.steps, values: s.values }).toEqual({
          name: s.name,
          buckets,
          steps: want.xs,
          values: want.ys,
        });
        expect(s.points).toBe(ys.length);
        expect(s.run_id).toBe(runId);
      }
      expect(row!.runs).toEqual([{ run_id: runId, last_seq: 5_002 }]);
      expect(row!.through_event_id).toBeGreaterThan(0);
    }
  });
});
