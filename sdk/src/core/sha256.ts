/**
 * Streaming SHA-256: node:crypto (OpenSSL, hardware SHA extensions) where the runtime has it —
 * Node and Deno — and @noble/hashes (audited, pure JS, incremental) in browsers, where WebCrypto's
 * digest() only hashes a whole buffer and would force a large upload into memory.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

export interface Sha256 {
  update(chunk: Uint8Array): unknown;
  digestHex(): string;
  /** A twin continuing from the current state. */
  copy(): Sha256;
}

interface NodeHash {
  update(data: Uint8Array): unknown;
  digest(encoding: "hex"): string;
  copy(): NodeHash;
}

interface NodeCrypto {
  createHash(algorithm: "sha256"): NodeHash;
}

function wrapNodeHash(hash: NodeHash): Sha256 {
  return {
    update: (chunk) => hash.update(chunk),
    digestHex: () => hash.digest("hex"),
    copy: () => wrapNodeHash(hash.copy()),
  };
}

type NobleHash = ReturnType<typeof sha256.create>;

function wrapNobleHash(hash: NobleHash): Sha256 {
  return {
    update: (chunk) => hash.update(chunk),
    digestHex: () => bytesToHex(hash.digest()),
    copy: () => wrapNobleHash(hash.clone()),
  };
}

/** The portable implementation (what runtimes without node:crypto get). */
export function portableSha256(): Sha256 {
  return wrapNobleHash(sha256.create());
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
  if (!crypto) return portableSha256;
  return () => wrapNodeHash(crypto.createHash("sha256"));
}

export async function createSha256(): Promise<Sha256> {
  return (await sha256Factory())();
}

export async function sha256Hex(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = await createSha256();
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digestHex();
}

/** sha256(content) and sha256(content ‖ suffix) — the file id's hash — in one pass over the content. */
export async function sha256WithSuffix(
  chunks: AsyncIterable<Uint8Array>,
  suffix: string,
): Promise<{ sha256: string; withSuffix: string }> {
  const hash = await createSha256();
  for await (const chunk of chunks) hash.update(chunk);
  const twin = hash.copy();
  twin.update(new TextEncoder().encode(suffix));
  return { sha256: hash.digestHex(), withSuffix: twin.digestHex() };
}
