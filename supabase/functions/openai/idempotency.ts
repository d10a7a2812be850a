// `Idempotency-Key` on creates. The official client sends none (creation is idempotent by content
// anyway: a retried create finds the same job), but other clients do, and a key also covers what
// content addressing cannot: a create retried after its job was cancelled returns that job instead
// of queueing it again. What a key made is remembered for 24 hours (openai.remember, SQL); reusing
// a key for a different request is a 409.
import { sha256 } from "@noble/hashes/sha2.js";
import { hex } from "../_shared/auth/hashing.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { asCaller, type OpenAIContext, type OpenAIDeps } from "./context.ts";

const KEY = /^[\x21-\x7e]{1,255}$/;

export function idempotencyKey(c: OpenAIContext): string | null {
  const key = c.req.header("idempotency-key");
  if (key === undefined) return null;
  if (!KEY.test(key))
    throw new ApiError(400, "invalid_request", "Idempotency-Key must be 1-255 printable ASCII characters", [
      { path: "Idempotency-Key", message: "malformed" },
    ]);
  return key;
}

/** The request's fingerprint: the route and its canonical body (keys sorted). */
export function fingerprint(route: string, body: unknown): string {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === "object"
        ? Object.fromEntries(
            Object.keys(v as object)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return hex(sha256(new TextEncoder().encode(`${route}\n${JSON.stringify(canonical(body))}`)));
}

/** The id an earlier request with this key made, if any (a conflict if it was another request). */
export async function remembered(
  deps: OpenAIDeps,
  c: OpenAIContext,
  key: string,
  route: string,
  print: string,
) {
  const [row] = await asCaller(
    deps,
    c,
    (tx) => tx`select openai.remembered(${key}, ${route}, ${print}) as id`,
  );
  return (row?.id as string | null) ?? null;
}

/** Records what this request made; returns the id to answer with (a concurrent twin's may win). */
export async function remember(
  deps: OpenAIDeps,
  c: OpenAIContext,
  key: string,
  route: string,
  print: string,
  id: string,
) {
  const [row] = await asCaller(
    deps,
    c,
    (tx) => tx`select openai.remember(${key}, ${route}, ${print}, ${id}) as id`,
  );
  return String(row?.id ?? id);
}

/** Runs a create under the request's Idempotency-Key, if it has one. */
export async function idempotent<T extends { id: string }>(
  deps: OpenAIDeps,
  c: OpenAIContext,
  route: string,
  body: unknown,
  create: () => Promise<T>,
  replay: (id: string) => Promise<T>,
): Promise<T> {
  const key = idempotencyKey(c);
  if (key === null) return create();
  const print = fingerprint(route, body);
  const earlier = await remembered(deps, c, key, route, print);
  if (earlier !== null) return replay(earlier);
  const made = await create();
  const kept = await remember(deps, c, key, route, print, made.id);
  return kept === made.id ? made : replay(kept);
}
