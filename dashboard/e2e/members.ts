// Members and roles in the browser: an admin adds two users by email, makes both admins, removes
// one, and is refused (the api's 409, shown as its message) demoting or removing the last admin
// member; a member token sees the list with no controls. Roles are checked in the database.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { OpenWeights } from "../../sdk/src/node/index.ts";
import type { World } from "./harness.ts";

export async function manageMembers(
  world: World,
  page: Page,
  signIn: (page: Page, token: string) => Promise<void>,
  shot: (name: string) => Promise<void>,
) {
  const tag = Date.now().toString(36);
  const [carol, dave] = [`carol-${tag}@example.com`, `dave-${tag}@example.com`];
  const sql = postgres(world.stack.cluster.url, { max: 1, onnotice: () => {} });
  const roles = async () =>
    Object.fromEntries(
      (
        await sql<{ email: string; role: string }[]>`select u.email, m.role::text as role
          from public.organization_members m join auth.users u on u.id = m.user_id
          where m.organization_id = ${world.stack.organizationId} and u.email in (${carol}, ${dave})`
      ).map((r) => [r.email, r.role]),
    );
  try {
    await sql`insert into auth.users (email) values (${carol}), (${dave})`;
    await signIn(page, world.stack.token);
    await page.getByRole("link", { name: "Organization" }).click();
    await page.getByText("you are admin").waitFor();
    for (const email of [carol, dave]) {
      await page.getByLabel("Member email").fill(email);
      await page.getByRole("button", { name: "Add member" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `Added ${email}` })
        .waitFor();
    }
    assert.deepEqual(await roles(), { [carol]: "member", [dave]: "member" });

    await page.getByLabel(`Role of ${carol}`).selectOption("admin");
    await page
      .getByRole("status")
      .filter({ hasText: `${carol} is now admin` })
      .waitFor();
    assert.deepEqual(await roles(), { [carol]: "admin", [dave]: "member" });
    // Carol is the only admin member: the database keeps her one.
    await page.getByLabel(`Role of ${carol}`).selectOption("member");
    await page.getByRole("alert").filter({ hasText: "at least one admin" }).waitFor();
    await page.getByRole("button", { name: `Remove ${carol}` }).click();
    await page.getByRole("alert").filter({ hasText: "at least one admin" }).waitFor();
    assert.deepEqual(await roles(), { [carol]: "admin", [dave]: "member" });
    assert.equal(
      await page.getByLabel(`Role of ${carol}`).inputValue(),
      "admin",
      "the list shows the kept role",
    );

    await page.getByLabel(`Role of ${dave}`).selectOption("admin");
    await page
      .getByRole("status")
      .filter({ hasText: `${dave} is now admin` })
      .waitFor();
    await page.getByRole("button", { name: `Remove ${carol}` }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Removed ${carol}` })
      .waitFor();
    await page.getByRole("cell", { name: carol, exact: true }).waitFor({ state: "detached" });
    assert.deepEqual(await roles(), { [dave]: "admin" });
    await shot("members");

    // A member token reads the same list and gets no controls.
    const ow = new OpenWeights({ apiKey: world.stack.token, baseURL: world.stack.url });
    const member = await ow.tokens.create({ name: `member-${tag}`, role: "member" });
    const context = await world.newContext();
    const memberPage = await context.newPage();
    await signIn(memberPage, member.token);
    await memberPage.getByRole("link", { name: "Organization" }).click();
    await memberPage.getByText("you are member").waitFor();
    await memberPage.getByRole("cell", { name: dave, exact: true }).waitFor();
    assert.equal(await memberPage.getByRole("button", { name: /^Remove / }).count(), 0);
    assert.equal(await memberPage.getByLabel(`Role of ${dave}`).count(), 0);
    assert.equal(await memberPage.getByLabel("Member email").count(), 0);
    await context.close();
  } finally {
    await sql.end();
  }
}
