// The retry rule has two homes: SQL internal.failure_decision (applied by the database) and
// contract/failure-policy.ts (read by clients and the worker's test double). This test reads the
// real database and fails when either copy changes alone; the same for the default max_attempts.
import { FailureKind, failurePolicy, JOB_DEFAULTS } from "@contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

describe("failure policy parity", () => {
  it("SQL failure_decision and failurePolicy agree for every failure kind", async () => {
    const sqlKinds = await db.sql<
      { k: string }[]
    >`select unnest(enum_range(null::public.failure_kind))::text as k`;
    expect(sqlKinds.map((r) => r.k).sort()).toEqual([...FailureKind.options].sort());
    for (const kind of FailureKind.options) {
      const [row] = await db.sql<
        { counts_attempt: boolean; may_retry: boolean; final_status: string }[]
      >`select * from internal.failure_decision(${kind}::public.failure_kind)`;
      const ts = failurePolicy(kind);
      expect({ kind, ...row }).toEqual({
        kind,
        counts_attempt: ts.countsAttempt,
        may_retry: ts.retry,
        final_status: ts.finalStatus,
      });
    }
  });

  it("the database's default max_attempts is the contract's", async () => {
    const [column] = await db.sql<{ d: string }[]>`select column_default as d from information_schema.columns
      where table_schema = 'public' and table_name = 'jobs' and column_name = 'max_attempts'`;
    expect(column?.d).toBe(String(JOB_DEFAULTS.max_attempts));
    const [fn] = await db.sql<
      { args: string }[]
    >`select pg_get_function_arguments('public.submit_job'::regproc) as args`;
    expect(fn?.args).toContain(`p_max_attempts integer DEFAULT ${JOB_DEFAULTS.max_attempts}`);
  });
});
