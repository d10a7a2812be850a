import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../auth/hashing.ts";

/** `{purpose}:file-{sha256(content ‖ organization_id)[:12]}` from the hash of content ‖ org. */
export function fileIdFromOrgHash(purpose: string, orgSha256Hex: string): string {
  return `${purpose}:file-${orgSha256Hex.slice(0, 12)}`;
}

/**
 * Hashes a stream as it passes through: the content's sha256 and sha256(content ‖ org) in one
 * pass (the org bytes are appended to a clone of the running state at the end), plus the size,
 * refusing to go past maxBytes.
 */
export class HashingCounter {
  readonly stream: TransformStream<Uint8Array, Uint8Array>;
  bytes = 0;
  private readonly hasher = sha256.create();

  constructor(maxBytes: number, onTooLarge: () => Error) {
    this.stream = new TransformStream({
      transform: (chunk, controller) => {
        this.bytes += chunk.byteLength;
        if (this.bytes > maxBytes) {
          controller.error(onTooLarge());
          return;
        }
        this.hasher.update(chunk);
        controller.enqueue(chunk);
      },
    });
  }

  digests(organizationId: string): { sha256: string; orgSha256: string } {
    const withOrg = this.hasher.clone().update(new TextEncoder().encode(organizationId)).digest();
    return { sha256: hex(this.hasher.digest()), orgSha256: hex(withOrg) };
  }
}
