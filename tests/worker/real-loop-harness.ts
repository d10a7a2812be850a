// The worker-loop scenarios (worker/test/worker-loop.scenarios.ts) against the real system: the
// Deno gateway with api + worker-api, real Postgres, real subprocess jobs. Jobs go in through the
// public api; what they did is read back from the database the api writes to.
import { createHash, randomUUID } from "node:crypto";
import type { JobView, LoopHarness, TestJob } from "../../worker/test/loop-harness.ts";
import { client, startTestStack } from "../support/stack.ts";

export async function realLoopHarness(): Promise<LoopHarness> {
  const stack = await startTestStack();
  const api = client(stack.url, stack.adminToken);
  const image = "ow/worker-test:1";
  return {
    apiUrl: stack.url,
    image,
    async newWorkerToken() {
      const [row] = await stack.db
        .sql`select token from internal.mint_worker_token(${stack.orgId}, ${`w-${randomUUID().slice(0, 8)}`})`;
      return String(row!.token);
    },
    async submitJob(job: TestJob) {
      const mounts: Record<string, string> = {};
      for (const m of job.mounts ?? []) {
        const name = m.path.split("/").at(-1)!;
        const res = await api(
          "POST",
          `/api/files?purpose=custom_job_file&filename=${encodeURIComponent(name)}`,
          m.content,
        );
        if (res.status >= 300) throw new Error(`upload failed: ${JSON.stringify(res.body)}`);
        mounts[m.path] = res.body.id;
      }
      for (const [name, value] of Object.entries(job.secrets ?? {})) {
        const res = await api("PUT", `/api/secrets/${name}`, { value });
        if (res.status >= 300) throw new Error(`secret failed: ${JSON.stringify(res.body)}`);
      }
      const res = await api("POST", "/api/jobs", {
        type: "custom",
        image,
        entrypoint: job.entrypoint,
        params: job.params ?? {},
        mounts,
        secrets: Object.keys(job.secrets ?? {}),
        requires_vram_gb: 0,
        ...(job.timeout_seconds ? { timeout_seconds: job.timeout_seconds } : {}),
        ...(job.max_attempts ? { max_attempts: job.max_attempts } : {}),
      });
      if (res.status >= 300) throw new Error(`submit failed: ${JSON.stringify(res.body)}`);
      return String(res.body.id);
    },
    async job(jobId: string): Promise<JobView> {
      const job = await api("GET", `/api/jobs/${jobId}`);
      const runs = await api("GET", `/api/jobs/${jobId}/runs`);
      return {
        status: String(job.body.status),
        runs: (runs.body.data as Record<string, unknown>[]).map((r) => ({
          id: String(r.id),
          attempt: Number(r.attempt),
          status: String(r.status),
          failure_kind: (r.failure_kind as string | null) ?? null,
          exit_code: (r.exit_code as number | null) ?? null,
        })),
      };
    },
    async cancelJob(jobId: string) {
      const res = await api("POST", `/api/jobs/${jobId}/cancel`);
      if (res.status >= 300) throw new Error(`cancel failed: ${JSON.stringify(res.body)}`);
    },
    async breakLease(runId: string) {
      // One transaction: a heartbeat landing between the two statements renewed the lease, so the
      // reaper found nothing to reap and the run stayed in progress (seen twice at load ≈ 22). Here
      // the heartbeat waits on the row lock and then finds the run lost.
      await stack.db.sql.begin(async (tx) => {
        await tx`update runs set lease_expires_at = now() - interval '1 second' where id = ${runId}`;
        await tx`select public.reap_expired_leases()`;
      });
      const [run] = await stack.db.sql`select status from runs where id = ${runId}`;
      if (run?.status !== "lost")
        throw new Error(`breakLease: run ${runId} is ${String(run?.status)}, not lost`);
    },
    async logLines(runId: string) {
      const chunks = await stack.db
        .sql`select streams, lines from run_logs where run_id = ${runId} order by seq`;
      return chunks.flatMap((c) =>
        (c.lines as string[]).map((line, i) => ({
          stream: (String(c.streams)[i] ?? "o") as "o" | "e",
          line,
        })),
      );
    },
    async events(runId: string) {
      const rows = await stack.db.sql`select data from events where run_id = ${runId} order by seq`;
      return rows.map((r) => r.data as Record<string, unknown>);
    },
    async results(runId: string) {
      const rows = await stack.db
        .sql`select data from events where run_id = ${runId} and type = 'file' order by seq`;
      const out: { path: string; content: string }[] = [];
      for (const r of rows) {
        const data = r.data as { file_id: string; path: string };
        const res = await fetch(`${stack.url}/api/files/${encodeURIComponent(data.file_id)}/content`, {
          headers: { authorization: `Bearer ${stack.adminToken}` },
        });
        out.push({ path: data.path, content: await res.text() });
      }
      return out;
    },
    async workerStopped(token: string) {
      const hash = createHash("sha256").update(token).digest("hex");
      const [row] = await stack.db
        .sql`select t.revoked_at, w.status from api_tokens t left join workers w on w.id = t.worker_id where t.token_hash = ${hash}`;
      return row?.status === "terminated" && row.revoked_at !== null;
    },
    close: () => stack.stop(),
  };
}
