import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

export interface FileDigest {
  bytes: number;
  sha256: string;
  /** sha256(content ‖ organization id): the hash a file id is made of (DESIGN §1). */
  orgSha256: string;
}

/** Hashes a file from disk in one streaming pass (the org hash continues a copy of the running state). */
export async function digestFile(path: string, organizationId: string): Promise<FileDigest> {
  const content = createHash("sha256");
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    bytes += (chunk as Buffer).length;
    content.update(chunk as Buffer);
  }
  const orgSha256 = content.copy().update(organizationId).digest("hex");
  return { bytes, sha256: content.digest("hex"), orgSha256 };
}
