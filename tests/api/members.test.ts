// GET /members as the real roles: it reads auth.users through a definer function (issue 11 item 8:
// before, every admin and member got 403 because `authenticated` cannot read auth.users).
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { client, createOrganization, startTestStack, type TestStack } from "../support/stack.ts";

let stack: TestStack;
let other: { orgId: string; token: string };
const users = {
  ada: "00000000-0000-4000-8000-00000000a0a0",
  bob: "00000000-0000-4000-8000-00000000b0b0",
  eve: "00000000-0000-4000-8000-00000000e0e0",
};

beforeAll(async () => {
  stack = await startTestStack();
  other = await createOrganization(stack.db, "other-org");
  const sql = stack.db.sql;
  await sql`insert into auth.users (id, email) values
    (${users.ada}, 'ada@example.com'), (${users.bob}, 'bob@example.com'), (${users.eve}, 'eve@example.com')`;
  await sql`insert into public.organization_members (organization_id, user_id, role) values
    (${stack.orgId}, ${users.ada}, 'admin'), (${stack.orgId}, ${users.bob}, 'member'),
    (${other.orgId}, ${users.eve}, 'admin')`;
}, 120_000);
afterAll(async () => stack?.stop());

describe("GET /members", () => {
  it("lists the organization's members with their emails to an admin token", async () => {
    const res = await client(stack.url, stack.adminToken)("GET", "/api/members");
    expect(res.status).toBe(200);
    expect(res.body.data.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
      ["ada@example.com", "admin"],
      ["bob@example.com", "member"],
    ]);
  });

  it("lists them to a member token too, and never another organization's members", async () => {
    const admin = client(stack.url, stack.adminToken);
    const created = await admin("POST", "/api/tokens", { name: "member", role: "member" });
    const res = await client(stack.url, created.body.token)("GET", "/api/members");
    expect(res.status).toBe(200);
    const emails = res.body.data.map((m: { email: string }) => m.email);
    expect(emails).toEqual(["ada@example.com", "bob@example.com"]);
    const theirs = await client(stack.url, other.token)("GET", "/api/members");
    expect(theirs.body.data.map((m: { email: string }) => m.email)).toEqual(["eve@example.com"]);
  });

  it("answers nothing about an organization the caller is not in, even when asked in SQL", async () => {
    const rows = await stack.db.sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({
        role: "authenticated",
        organization_id: other.orgId,
        token_role: "admin",
      })}, true)`;
      await tx.unsafe("set local role authenticated");
      return tx`select * from internal.organization_members_with_email(${stack.orgId})`;
    });
    expect(rows.length).toBe(0);
  });
});

/** A Supabase Auth session as the project signs it (legacy HS256 secret): a user, no token role. */
async function session(userId: string) {
  return new SignJWT({ sub: userId, role: "authenticated", email: `${userId}@example.com` })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuedAt()
    .setIssuer("http://127.0.0.1:54321/auth/v1")
    .setAudience("authenticated")
    .setExpirationTime("5m")
    .sign(new TextEncoder().encode(stack.env.OW_JWT_SECRET ?? ""));
}

describe("GET /me for a signed-in user", () => {
  it("reports the user's role in the organization from the membership, not from the credential", async () => {
    const ada = await client(stack.url, await session(users.ada))("GET", "/api/me");
    expect(ada.status).toBe(200);
    expect(ada.body).toMatchObject({ organization: { id: stack.orgId }, role: "admin", user_id: users.ada });
    const bob = await client(stack.url, await session(users.bob))("GET", "/api/me");
    expect(bob.body).toMatchObject({ organization: { id: stack.orgId }, role: "member", user_id: users.bob });
    const eve = await client(stack.url, await session(users.eve))("GET", "/api/me");
    expect(eve.body).toMatchObject({ organization: { id: other.orgId }, role: "admin" });
    // Tokens keep their own role: an admin token is an admin, a member token a member.
    expect((await client(stack.url, stack.adminToken)("GET", "/api/me")).body.role).toBe("admin");
    const minted = await client(stack.url, stack.adminToken)("POST", "/api/tokens", {
      name: "m",
      role: "member",
    });
    expect((await client(stack.url, minted.body.token)("GET", "/api/me")).body.role).toBe("member");
  });
});
