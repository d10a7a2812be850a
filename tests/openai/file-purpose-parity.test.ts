// The file purposes are written twice: the SQL CHECK `purpose_known` on public.files and the
// contract's FilePurpose enum (with OPENAI_PURPOSE mapping each to OpenAI's name). This fails
// when one changes without the other.
import { afterAll, beforeAll, expect, it } from "vitest";
import { FilePurpose } from "../../supabase/functions/_shared/contract/enums.ts";
import { OPENAI_PURPOSE } from "../../supabase/functions/_shared/contract/openai/files.ts";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => db?.drop());

it("the SQL purpose list, the contract's FilePurpose and the OpenAI mapping name the same purposes", async () => {
  const [row] = await db.sql<{ def: string }[]>`
    select pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'public.files'::regclass and conname = 'purpose_known'`;
  const inSql = [...row!.def.matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]).sort();
  expect(inSql).toEqual([...FilePurpose.options].sort());
  expect(Object.keys(OPENAI_PURPOSE).sort()).toEqual([...FilePurpose.options].sort());
});
