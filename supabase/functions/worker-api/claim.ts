// Turns a claimed run into everything the worker needs to start the job: the job spec, signed
// download URLs for its mounts, exactly the secrets it declared (decrypted here; pods never get the
// key), and a run-scoped token the job can use to call the api while the run lasts.
import type { Principal } from "../_shared/auth/authenticate.ts";
import { asService } from "../_shared/db/session.ts";
import { objectKey } from "../_shared/files/file-store.ts";
import { asWorker, type WorkerApiDeps } from "./context.ts";

const MOUNT_URL_TTL = 6 * 3600;

interface RunRow {
  id: string;
  job_id: string;
  attempt: number;
  lease_expires_at: Date;
}

export async function claimOnce(deps: WorkerApiDeps, principal: Principal) {
  return asWorker(deps, principal, async (tx) => {
    const [run] = await tx<
      RunRow[]
    >`select id, job_id, attempt, lease_expires_at from public.claim_job(${deps.config.leaseSeconds})`;
    if (!run) return null;
    const [job] =
      await tx`select id, organization_id, type, image, entrypoint, params, mounts, timeout_seconds, requires_vram_gb, model, secrets
      from public.jobs where id = ${run.job_id}`;
    return { run, job: job! };
  });
}

export async function describeClaim(
  deps: WorkerApiDeps,
  claimed: NonNullable<Awaited<ReturnType<typeof claimOnce>>>,
) {
  const { run, job } = claimed;
  const org = String(job.organization_id);
  const mounts = job.mounts as Record<string, string>;
  const secretNames = job.secrets as string[];
  const { files, secrets } = await asService(deps.sql, async (tx) => ({
    files:
      await tx`select id, bytes, sha256 from public.files where organization_id = ${org} and id = any (${Object.values(mounts)}::text[])`,
    secrets:
      // Platform secrets (RUNPOD_API_KEY, OW_*, …) are never delivered, even to a job declaring one.
      await tx`select name, encrypted_value from internal.job_secrets(${org}, ${secretNames}::text[])`,
  }));
  const byId = new Map(files.map((f) => [String(f.id), f]));
  const mountList = await Promise.all(
    Object.entries(mounts).map(async ([path, fileId]) => ({
      path,
      file_id: fileId,
      bytes: Number(byId.get(fileId)?.bytes ?? 0),
      sha256: String(byId.get(fileId)?.sha256 ?? ""),
      url: await deps.store.signedDownloadUrl(objectKey(org, fileId), MOUNT_URL_TTL),
    })),
  );
  const opened = await Promise.all(
    secrets.map(
      async (s) =>
        [String(s.name), await deps.secrets.open(org, String(s.name), String(s.encrypted_value))] as const,
    ),
  );
  const timeout = Number(job.timeout_seconds);
  const runToken = await deps.signer.sign(
    // token_role "run": reads only this job (its runs, events, logs, mounted files), writes nothing,
    // and stops working when the run ends (migration run_token_scope, assert_live_credential).
    {
      role: "authenticated",
      organization_id: org,
      token_role: "run",
      run_id: run.id,
      job_id: String(job.id),
    },
    Math.min(timeout + 3600, 30 * 86400),
  );
  return {
    run_id: run.id,
    attempt: run.attempt,
    lease_expires_at: run.lease_expires_at.toISOString(),
    job: {
      id: String(job.id),
      type: String(job.type),
      image: String(job.image),
      entrypoint: job.entrypoint as string[],
      params: job.params as Record<string, unknown>,
      timeout_seconds: timeout,
      requires_vram_gb: Number(job.requires_vram_gb),
      model: (job.model as string | null) ?? null,
    },
    mounts: mountList,
    secrets: Object.fromEntries(opened),
    run_token: runToken,
    api_url: deps.config.publicUrl,
  };
}
