// The portable SHA-256 (@noble/hashes, for browsers) and the node:crypto fast path agree on
// streamed input split anywhere, and on a copy taken mid-stream (the file id's suffix hash).
import { createHash, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { portableSha256, sha256Factory } from "../src/core/sha256.ts";

const reference = (...parts: Uint8Array[]) => {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(p);
  return hash.digest("hex");
};

describe("sha256", () => {
  it("gives FIPS 180-4's digest of 'abc' on the portable path", () => {
    const hash = portableSha256();
    hash.update(new TextEncoder().encode("abc"));
    expect(hash.digestHex()).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("matches node:crypto for chunks of every size around the 64-byte block", () => {
    const data = randomBytes(1000);
    for (const size of [1, 55, 56, 63, 64, 65, 127, 999]) {
      const hash = portableSha256();
      for (let i = 0; i < data.length; i += size) hash.update(data.subarray(i, i + size));
      expect(hash.digestHex(), `chunk ${size}`).toBe(reference(data));
    }
  });

  it("continues a copy independently of the original on both paths", async () => {
    const content = randomBytes(300);
    const suffix = new TextEncoder().encode("org-id");
    for (const make of [portableSha256, await sha256Factory()]) {
      const hash = make();
      hash.update(content);
      const twin = hash.copy();
      twin.update(suffix);
      expect(hash.digestHex()).toBe(reference(content));
      expect(twin.digestHex()).toBe(reference(content, suffix));
    }
  });
});
