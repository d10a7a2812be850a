// What the openai function's routes share: dependencies, the authenticated caller, and running a
// caller's queries under their claims (so RLS and the SQL functions decide, as in the api).
import type { Context } from "hono";
import type { Principal } from "../_shared/auth/authenticate.ts";
import type { TokenSigner } from "../_shared/auth/token-signer.ts";
import { type Sql, type Tx, withClaims } from "../_shared/db/session.ts";
import type { FileStore } from "../_shared/files/file-store.ts";
import type { AppEnv } from "../_shared/http/base-app.ts";
import { implementer } from "../_shared/http/define-route.ts";

export interface OpenAIConfig {
  maxUploadBytes: number;
  /** Worker images of the built-in jobs (the SDK's DEFAULT_IMAGES unless configured). */
  images: { training: string; inference: string };
}

export interface HardwarePort {
  canonical(name: string): string | null;
}

export interface OpenAIDeps {
  sql: Sql;
  signer: TokenSigner;
  store: FileStore;
  config: OpenAIConfig;
  hardware: HardwarePort;
  /** The built-in jobs' Python scripts (`training/train.py` → bytes), mounted into their jobs. */
  jobScripts: () => Promise<Record<string, Uint8Array>>;
  kickScaler?: () => void;
  /** Reaches deployments for chat completions (global fetch unless given). */
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

export type OpenAIEnv = AppEnv & { Variables: { principal: Principal } };
export type OpenAIContext = Context<OpenAIEnv>;

/** Binds a handler to its declaration in contract/routes/openai.ts. */
export const route = implementer<OpenAIContext>();

/** Runs fn as the caller (role authenticated + their claims), in one transaction. */
export function asCaller<T>(deps: OpenAIDeps, c: OpenAIContext, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return withClaims(deps.sql, c.get("principal").claims, fn);
}

/** Timestamps on OpenAI's wire are unix seconds. */
export function unix(value: unknown): number {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Math.floor(ms / 1000);
}

export function unixOrNull(value: unknown): number | null {
  return value === null || value === undefined ? null : unix(value);
}
