/**
 * Streaming SHA-256: node:crypto (OpenSSL, hardware SHA extensions) where the runtime has it —
 * Node and Deno — and a portable implementation in browsers.
 */
import { PortableSha256 } from "./sha256-portable.ts";

export interface Sha256 {
  update(chunk: Uint8Array): unknown;
  digestHex(): string;
}

interface NodeCrypto {
  createHash(algorithm: "sha256"): { update(data: Uint8Array): unknown; digest(encoding: "hex"): string };
}

let nodeCrypto: Promise<NodeCrypto | undefined> | undefined;

function loadNodeCrypto(): Promise<NodeCrypto | undefined> {
  const specifier = "node:crypto"; // a variable keeps browser bundlers from resolving it
  nodeCrypto ??= import(/* @vite-ignore */ /* webpackIgnore: true */ specifier).then(
    (m: NodeCrypto) => m,
    () => undefined,
  );
  return nodeCrypto;
}

/** Resolves the implementation once; the returned factory makes hashes synchronously. */
export async function sha256Factory(): Promise<() => Sha256> {
  const crypto = await loadNodeCrypto();
  if (!crypto) return () => new PortableSha256();
  return () => {
    const hash = crypto.createHash("sha256");
    return { update: (chunk) => hash.update(chunk), digestHex: () => hash.digest("hex") };
  };
}

export async function createSha256(): Promise<Sha256> {
  return (await sha256Factory())();
}

export async function sha256Hex(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = await createSha256();
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digestHex();
}
