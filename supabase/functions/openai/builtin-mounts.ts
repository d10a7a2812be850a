// The built-in jobs run the SDK's Python scripts, mounted as content-addressed `custom_job_file`s
// of the organization — exactly what `ow.fineTuning.create` uploads, so a job submitted here and
// the same job submitted with the SDK get the same mounts (and so the same job id). Missing script
// files are stored on first use; later submissions only check that they still exist.
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../_shared/auth/hashing.ts";
import type { Tx } from "../_shared/db/session.ts";
import { fileIdFromOrgHash } from "../_shared/files/file-id.ts";
import { fileStaged } from "../_shared/files/file-ingest.ts";
import { stagingKey } from "../_shared/files/file-store.ts";
import type { OpenAIDeps } from "./context.ts";

interface ScriptFile {
  target: string;
  id: string;
  sha256: string;
  bytes: Uint8Array;
}

const byOrg = new Map<string, Promise<ScriptFile[]>>();

async function scriptFiles(deps: OpenAIDeps, org: string): Promise<ScriptFile[]> {
  let files = byOrg.get(org);
  if (!files) {
    const orgBytes = new TextEncoder().encode(org);
    files = deps.jobScripts().then((scripts) =>
      Object.entries(scripts).map(([target, bytes]) => {
        const withOrg = sha256.create().update(bytes).update(orgBytes).digest();
        return {
          target,
          bytes,
          sha256: hex(sha256(bytes)),
          id: fileIdFromOrgHash("custom_job_file", hex(withOrg)),
        };
      }),
    );
    if (byOrg.size > 10_000) byOrg.clear();
    byOrg.set(org, files);
  }
  return files;
}

/** target → file id of every script in this organization (computed; nothing is read or stored). */
export async function scriptMountIds(deps: OpenAIDeps, org: string): Promise<Record<string, string>> {
  return Object.fromEntries((await scriptFiles(deps, org)).map((f) => [f.target, f.id]));
}

/** target → file id of every script, each stored in the organization if it was not already. */
export async function builtinScriptMounts(
  deps: OpenAIDeps,
  tx: Tx,
  org: string,
): Promise<Record<string, string>> {
  const files = await scriptFiles(deps, org);
  const ids = files.map((f) => f.id);
  const present = new Set(
    (await tx`select id from public.files where organization_id = ${org} and id = any (${ids}::text[])`).map(
      (r) => String(r.id),
    ),
  );
  for (const f of files) {
    if (present.has(f.id)) continue;
    const staging = stagingKey(org, crypto.randomUUID());
    await deps.store.put(staging, new Blob([f.bytes as BlobPart]).stream());
    const name = f.target.split("/").pop() ?? f.target;
    await fileStaged(tx, deps.store, {
      org,
      purpose: "custom_job_file",
      filename: name,
      staging,
      bytes: f.bytes.byteLength,
      sha256: f.sha256,
      id: f.id,
    });
  }
  return Object.fromEntries(files.map((f) => [f.target, f.id]));
}
