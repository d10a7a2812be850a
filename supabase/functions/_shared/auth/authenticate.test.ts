// The token exchange's verdicts: only an answer of the database decides that a token is bad. A
// lost answer is a 503 the caller retries, never a 401 (which a worker takes as its credentials
// rejected, and stops).
import { describe, expect, it } from "vitest";
import type { Sql } from "../db/session.ts";
import { ApiError } from "../http/api-error.ts";
import { exchangeApiToken } from "./authenticate.ts";

const TOKEN = `ow_${"a".repeat(43)}`;
const answering = (rows: unknown[]) => (async () => rows) as unknown as Sql;
const refusal = async (rows: unknown[]) => {
  const error = await exchangeApiToken(answering(rows), TOKEN, "test").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ApiError);
  return { status: (error as ApiError).status, code: (error as ApiError).code };
};

describe("exchangeApiToken", () => {
  it("answers 503 database_unavailable when the database's answer is lost", async () => {
    expect(await refusal([])).toEqual({ status: 503, code: "database_unavailable" });
    expect(await refusal([{ outcome: null }])).toEqual({ status: 503, code: "database_unavailable" });
  });

  it("answers 401 with the database's verdict on the token", async () => {
    expect(await refusal([{ outcome: "invalid" }])).toEqual({ status: 401, code: "invalid_token" });
    expect(await refusal([{ outcome: "revoked" }])).toEqual({ status: 401, code: "token_revoked" });
    expect(await refusal([{ outcome: "expired" }])).toEqual({ status: 401, code: "token_expired" });
    const ok = { outcome: "ok", token_id: "t", organization_id: "o", role: "admin", worker_id: null };
    await expect(exchangeApiToken(answering([ok]), TOKEN, "test")).resolves.toMatchObject({ outcome: "ok" });
  });
});
