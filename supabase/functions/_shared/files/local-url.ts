// Signed URLs of the local-disk FileStore: a short-lived JWT naming the object key and the
// operation, served by the api's GET/PUT /local-files/:token (contract/routes/api-files.ts).

/** Mints the URL for a local signed URL (used by the local-disk FileStore). */
export function localUrlSigner(
  signer: { sign(claims: Record<string, unknown>, ttl: number): Promise<string> },
  publicUrl: string,
) {
  return async (key: string, op: "get" | "put", ttlSeconds: number) =>
    `${publicUrl}/api/local-files/${await signer.sign({ lf_key: key, lf_op: op }, ttlSeconds)}`;
}
