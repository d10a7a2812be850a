// Turns a claimed run into everything the worker needs to start the job: the job spec, signed
// download URLs for its mounts, exactly the secrets it declared (decrypted here; pods never get the
// key), and a run-scoped token the job can use to call the api while the run lasts.
import { z } from "zod";
import type { Principal } from "../_shared/auth/authenticate.ts";
import { JobId, Uuid } from "../_shared/contract/common.ts";
import { ClaimedJob, ClaimedMount } from "../_shared/contract/worker-protocol.ts";
import { rowMapper } from "../_shared/db/row-mapper.ts";
import { asService } from "../_shared/db/session.ts";
import { objectKey } from "../_shared/files/file-store.ts";
import { asWorker, type WorkerApiDeps } from "./context.ts";

const MOUNT_URL_TTL = 6 * 3600;

// The rows this module reads, each by the contract's schema of what it becomes.
const toRun = rowMapper(
  ClaimedJob.pick({ run_id: true, attempt: true, lease_expires_at: true }).extend({ job_id: JobId }),
);
const toJob = rowMapper(
  ClaimedJob.shape.job.extend({
    organization_id: Uuid,
    mounts: z.record(z.string(), z.string()),
    secrets: z.array(z.string()),
  }),
);
const toFile = rowMapper(ClaimedMount.pick({ file_id: true, bytes: true, sha256: true }));
const toSecret = rowMapper(z.object({ name: z.string(), encrypted_value: z.string() }));

export async function claimOnce(deps: WorkerApiDeps, principal: Principal) {
  return asWorker(deps, principal, async (tx) => {
    const [claimed] =
      await tx`select id as run_id, job_id, attempt, lease_expires_at from public.claim_job(${deps.config.leaseSeconds})`;
    if (!claimed) return null;
    const run = toRun(claimed);
    const [job] =
      await tx`select id, organization_id, type, image, entrypoint, params, mounts, timeout_seconds, requires_vram_gb, model, secrets
      from public.jobs where id = ${run.job_id}`;
    return { run, job: toJob(job ?? {}) };
  });
}

export async function describeClaim(
  deps: WorkerApiDeps,
  claimed: NonNullable<Awaited<ReturnType<typeof claimOnce>>>,
) {
  const { run, job } = claimed;
  const org = job.organization_id;
  const { files, secrets } = await asService(deps.sql, async (tx) => ({
    files: (
      await tx`select id as file_id, bytes, sha256 from public.files where organization_id = ${org} and id = any (${Object.values(job.mounts)}::text[])`
    ).map(toFile),
    secrets:
      // Platform secrets (RUNPOD_API_KEY, OW_*, …) are never delivered, even to a job declaring one.
      (await tx`select name, encrypted_value from internal.job_secrets(${org}, ${job.secrets}::text[])`).map(
        toSecret,
      ),
  }));
  const byId = new Map(files.map((f) => [f.file_id, f]));
  const mountList = await Promise.all(
    Object.entries(job.mounts).map(async ([path, fileId]) => ({
      path,
      file_id: fileId,
      bytes: byId.get(fileId)?.bytes ?? 0,
      sha256: byId.get(fileId)?.sha256 ?? "",
      url: await deps.store.signedDownloadUrl(objectKey(org, fileId), MOUNT_URL_TTL),
    })),
  );
  const opened = await Promise.all(
    secrets.map(async (s) => [s.name, await deps.secrets.open(org, s.name, s.encrypted_value)] as const),
  );
  const timeout = job.timeout_seconds;
  const runToken = await deps.signer.sign(
    // token_role "run": reads only this job (its runs, events, logs, mounted files), writes nothing,
    // and stops working when the run ends (migration run_token_scope, assert_live_credential).
    {
      role: "authenticated",
      organization_id: org,
      token_role: "run",
      run_id: run.run_id,
      job_id: job.id,
    },
    Math.min(timeout + 3600, 30 * 86400),
  );
  return {
    run_id: run.run_id,
    attempt: run.attempt,
    lease_expires_at: run.lease_expires_at,
    job: {
      id: job.id,
      type: job.type,
      image: job.image,
      entrypoint: job.entrypoint,
      params: job.params,
      timeout_seconds: timeout,
      requires_vram_gb: job.requires_vram_gb,
      model: job.model,
    },
    mounts: mountList,
    secrets: Object.fromEntries(opened),
    run_token: runToken,
    api_url: deps.config.publicUrl,
  };
}
