// What the api case families share: the fixture, well-known ids and small request builders.
// Malformed requests for every route of the public `api` function, grouped by endpoint family.
import type { Creds } from "./generators.ts";

export interface ApiFixture {
  creds: Creds;
  jobId: string;
  fileId: string;
  workerId: string;
  adminTokenId: string;
  otherOrgJobId: string;
  otherOrgFileId: string;
  otherOrgTokenId: string;
  /** upload_id of a signed upload (this organization) nothing was PUT to. */
  pendingUploadId: string;
  otherOrgUploadId: string;
  /** Path (under …/functions/v1) of the signed PUT URL of that pending upload. */
  pendingPutPath: string;
  /** Signed local-file tokens made with the real secret: a missing object and a key escaping the store. */
  missingGetToken: string;
  escapingGetToken: string;
  escapingPutToken: string;
  maxUploadBytes: number;
}

export const UNKNOWN_UUID = "0b7d6f6e-5a1c-4c1e-9a3c-2f0e6f1d2a3b";
export const UNKNOWN_JOB = "custom-000000000000";
export const UNKNOWN_FILE = "custom_job_file:file-000000000000";
export const HEX64 = "a".repeat(64);
export const JSON_HEADERS = { "content-type": "application/json" };
export const BINARY = { "content-type": "application/octet-stream" };
export const notFound = { status: 404, codes: ["not_found"] };
export const forbidden = { status: 403, codes: ["forbidden"] };
export const invalidRequest = { status: 400, codes: ["invalid_request"] };

export function get(path: string, auth: string) {
  return { method: "GET", path, auth };
}

export function zeros(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(new Uint8Array(65_536));
      sent += 65_536;
    },
  });
}
