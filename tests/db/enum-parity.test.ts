// Closed vocabularies and value ranges live twice: as PostgreSQL enums, CHECKs and domains (what
// the database will store) and as zod schemas in the contract (what the api accepts and the SDK
// types). This test reads the real database and fails when either copy changes alone.
import {
  FailureKind,
  FilePurpose,
  JobStatus,
  JobSubmission,
  MemberRole,
  ProviderName,
  RunStatus,
  TokenRole,
  WorkerStatus,
} from "@contract";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db.drop());

const ENUMS: Record<string, z.ZodEnum> = {
  job_status: JobStatus,
  run_status: RunStatus,
  failure_kind: FailureKind,
  worker_status: WorkerStatus,
  token_role: TokenRole,
  member_role: MemberRole,
  provider_name: ProviderName,
};

/** Submission fields whose range a domain enforces in the database. */
const DOMAINS: Record<string, keyof typeof JobSubmission.shape> = {
  job_vram_gb: "requires_vram_gb",
  job_priority: "priority",
  job_timeout_seconds: "timeout_seconds",
  attempt_limit: "max_attempts",
};

describe("SQL ↔ zod vocabulary parity", () => {
  it("every enum type in public has a zod enum in the contract", async () => {
    const types = await db.sql<{ name: string }[]>`select t.typname as name from pg_type t
      join pg_namespace n on n.oid = t.typnamespace where n.nspname = 'public' and t.typtype = 'e'`;
    expect(types.map((t) => t.name).sort()).toEqual(Object.keys(ENUMS).sort());
  });

  for (const [type, schema] of Object.entries(ENUMS)) {
    it(`public.${type} holds exactly the values of the contract's enum`, async () => {
      const [row] = await db.sql<{ values: string[] }[]>`
        select enum_range(null::public.${db.sql(type)})::text[] as values`;
      expect(row?.values.slice().sort()).toEqual([...schema.options].sort());
    });
  }

  it("files.purpose_known accepts exactly the contract's FilePurpose values", async () => {
    const [row] = await db.sql<{ def: string }[]>`select pg_get_constraintdef(c.oid) as def
      from pg_constraint c where c.conname = 'purpose_known' and c.conrelid = 'public.files'::regclass`;
    const values = [...(row?.def ?? "").matchAll(/'([^']+)'::text/g)].map((m) => m[1]);
    expect(values.sort()).toEqual([...FilePurpose.options].sort());
  });

  for (const [domain, field] of Object.entries(DOMAINS)) {
    it(`public.${domain} accepts exactly the range JobSubmission.${field} accepts`, async () => {
      const json = z.toJSONSchema(JobSubmission.shape[field]) as { minimum: number; maximum: number };
      const accepts = async (value: number) => {
        try {
          await db.sql`select ${value}::int::public.${db.sql(domain)}`;
          return true;
        } catch {
          return false;
        }
      };
      const probes = [json.minimum - 1, json.minimum, json.maximum, json.maximum + 1];
      const results = await Promise.all(probes.map(accepts));
      expect(Object.fromEntries(probes.map((p, i) => [p, results[i]]))).toEqual({
        [json.minimum - 1]: false,
        [json.minimum]: true,
        [json.maximum]: true,
        [json.maximum + 1]: false,
      });
    });
  }
});
