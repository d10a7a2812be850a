// Email/password accounts in the browser, against the Auth stand-in (scripts/auth): sign up (the
// first organization is created), sign out, sign in, reset the password with the mailed code.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import postgres from "postgres";
import type { World } from "./harness.ts";

async function fill(page: Page, fields: Record<string, string>) {
  for (const [label, value] of Object.entries(fields))
    await page.getByLabel(label, { exact: true }).fill(value);
}

/** Waits for the jobs page; a sign-in problem shown instead fails with its text. */
async function reachJobs(page: Page) {
  const alert = page.locator("p.error"); // not getByRole: Next.js's route announcer is an alert too
  await Promise.race([
    page.waitForURL(/\/jobs$/, { timeout: 60_000 }),
    alert.waitFor({ timeout: 60_000 }).then(async () => {
      throw new Error(`expected the jobs page, the form says: ${await alert.textContent()}`);
    }),
  ]);
}

async function signOut(world: World, page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login/);
  const res = await page.request.get(`${world.dashboardUrl}/api/session`);
  assert.equal(res.status(), 401, "the session cookie is gone");
}

async function signInWithEmail(world: World, page: Page, email: string, password: string) {
  await page.goto(`${world.dashboardUrl}/login`);
  await fill(page, { Email: email, Password: password });
  await page.getByRole("button", { name: "Sign in with email" }).click();
}

export async function accountLifecycle(world: World, page: Page, shot: (name: string) => Promise<void>) {
  const email = `ada-${Date.now()}@example.com`;
  await page.goto(`${world.dashboardUrl}/login`);
  await page.getByRole("link", { name: "Create an account" }).click();
  await page.getByRole("heading", { name: "Create an OpenWeights account" }).waitFor();
  await fill(page, { Email: email, Password: "first-password", "Organization name": "Ada's lab" });
  await shot("signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await reachJobs(page);
  await page.getByText("No jobs.").waitFor(); // a new organization: none of the local one's jobs
  await page.getByRole("link", { name: "Organization" }).click();
  await page.getByRole("heading", { name: "Organization Ada's lab" }).waitFor();
  await page.getByText("you are admin").waitFor();
  // The session's role comes from GET /api/me, which reads the user's membership (not the JWT).
  await page.getByTestId("org").filter({ hasText: "· admin ·" }).waitFor();
  await page.getByRole("cell", { name: email, exact: true }).waitFor();

  const sql = postgres(world.stack.cluster.url, { max: 1, onnotice: () => {} });
  const memberships = () => sql<{ name: string; role: string }[]>`select o.name, m.role::text as role
    from public.organization_members m join public.organizations o on o.id = m.organization_id
    join auth.users u on u.id = m.user_id where u.email = ${email}`;
  try {
    assert.deepEqual([...(await memberships())], [{ name: "Ada's lab", role: "admin" }]);
    await signOut(world, page);

    await signInWithEmail(world, page, email, "wrong-password");
    await page.getByRole("alert").filter({ hasText: "Invalid login credentials" }).waitFor();
    await signInWithEmail(world, page, email, "first-password");
    await reachJobs(page);
    await signOut(world, page);

    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByRole("heading", { name: "Reset your password" }).waitFor(); // not the login form's Email
    await fill(page, { Email: email });
    await page.getByRole("button", { name: "Email me a reset code" }).click();
    await page.getByRole("status").filter({ hasText: "a reset code is on its way" }).waitFor();
    const mail = world.stack.auth.accounts.outbox.findLast((m) => m.to === email);
    assert.ok(mail, "the stand-in mailed a recovery code");
    await fill(page, { "Reset code": mail.token, "New password": "second-password" });
    await shot("reset-password");
    await page.getByRole("button", { name: "Set new password" }).click();
    await reachJobs(page);
    await signOut(world, page);

    await signInWithEmail(world, page, email, "first-password");
    await page.getByRole("alert").filter({ hasText: "Invalid login credentials" }).waitFor();
    await signInWithEmail(world, page, email, "second-password");
    await reachJobs(page);
    // Signing in again never makes another organization.
    assert.deepEqual([...(await memberships())], [{ name: "Ada's lab", role: "admin" }]);
    assert.deepEqual(world.stack.auth.schemaViolations, []);
  } finally {
    await sql.end();
  }
}
