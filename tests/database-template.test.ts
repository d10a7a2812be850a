import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./support/database.ts";

describe("test databases", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it("are cloned from a template that has the Supabase roles and auth helpers", async () => {
    const roles = await db.sql<
      { rolname: string }[]
    >`select rolname from pg_roles where rolname in ('anon','authenticated','service_role') order by 1`;
    expect(roles.map((r) => r.rolname)).toEqual(["anon", "authenticated", "service_role"]);
    const [uid] = await db.sql<
      { uid: string | null }[]
    >`select set_config('request.jwt.claims', '{"sub":"00000000-0000-0000-0000-000000000001"}', false), auth.uid()::text as uid`;
    expect(uid?.uid).toBe("00000000-0000-0000-0000-000000000001");
  });
});
