// The dashboard in a real browser (Debian's Chromium via playwright-core) against the whole local
// stack. Run by `npm test` (scripts/test/suites/browser.ts) with node:test; screenshots of each
// view go to .openweights/test-results/screenshots/.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { startRealtimeStandIn } from "../../scripts/realtime/server.ts";
import { OpenWeights } from "../../sdk/src/node/index.ts";
import { accountLifecycle } from "./accounts.ts";
import { BIG_RUN_POINTS, bigRun } from "./big-run.ts";
import { artifacts, startWorld, type World } from "./harness.ts";
import { countingScript, submit } from "./jobs.ts";
import { logprobViewer } from "./logprobs.ts";
import { manageMembers } from "./members.ts";

let world: World;
let revived: { close(): Promise<void> } | null = null;

async function signIn(page: Page, token: string) {
  await page.goto(`${world.dashboardUrl}/jobs`);
  await page.waitForURL(/\/login/);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/jobs$/);
  await page.getByRole("heading", { name: "Jobs" }).waitFor();
}

async function lineCount(page: Page): Promise<number> {
  return Number(await page.getByTestId("log-count").getAttribute("data-line-count"));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string) {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function shot(page: Page, name: string) {
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: false });
}

/** Every form control has an accessible name, and Tab reaches the main navigation. */
async function assertLabelledAndKeyboardReachable(page: Page) {
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll("input, select, textarea, button")]
      .filter((el) => {
        const e = el as HTMLInputElement;
        const text = (e.textContent ?? "").trim();
        const labelled =
          (e.labels?.length ?? 0) > 0 || e.getAttribute("aria-label") || e.getAttribute("aria-labelledby");
        return !(labelled || (e.tagName === "BUTTON" && text));
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unlabelled, []);
  await page.locator("body").focus();
  const reached = new Set<string>();
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    reached.add(await page.evaluate(() => document.activeElement?.textContent?.trim() ?? ""));
  }
  assert.ok(reached.has("Jobs") && reached.has("Workers"), `Tab reached ${[...reached].join(", ")}`);
}

before(async () => {
  world = await startWorld();
});
after(async () => {
  await revived?.close();
  await world?.stop();
});

describe("the dashboard", () => {
  it("refuses a wrong token and signs in with a valid one", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await page.goto(`${world.dashboardUrl}/login`);
    await page.getByLabel("API token").fill(`ow_${"x".repeat(43)}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await page.getByRole("alert").waitFor();
    await shot(page, "login");
    await signIn(page, world.stack.token);
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === "ow_session");
    assert.ok(session?.httpOnly, "the session cookie is httpOnly");
    const stored = await page.evaluate(() => JSON.stringify(localStorage) + JSON.stringify(sessionStorage));
    assert.ok(!stored.includes("ow_") && !stored.includes("eyJ"), "nothing token-like in web storage");
    await context.close();
  });

  it("streams a job's logs and grows its loss plot live, ending with every line exactly once", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    const { job } = await submit(world.stack.url, world.stack.token, countingScript(120, 6), "stream");
    await page.goto(`${world.dashboardUrl}/jobs/${job.id}`);
    await page.getByTestId("live-mode").filter({ hasText: "realtime" }).waitFor({ timeout: 30_000 });
    await waitFor(async () => (await lineCount(page)) > 0, 90_000, "the first log lines");
    const early = await lineCount(page);
    const plot = page.locator('[data-metric="loss"]');
    await plot.waitFor({ timeout: 30_000 });
    const earlyPoints = Number(await plot.getAttribute("data-points"));
    await page.getByTestId("job-status").filter({ hasText: "completed" }).waitFor({ timeout: 90_000 });
    await waitFor(async () => (await lineCount(page)) === 120, 15_000, "all 120 lines");
    assert.ok(early < 120, `lines arrived while the job ran (first seen: ${early})`);
    assert.ok(Number(await plot.getAttribute("data-points")) > earlyPoints, "the plot grew");
    await page.getByLabel("Search logs").fill("line 0077");
    await page.getByTestId("log-count").filter({ hasText: "1 of 120 lines match" }).waitFor();
    await page.getByLabel("Search logs").fill("");
    // The run's plots at the top of the view, its log under them.
    await plot.evaluate((el) => el.scrollIntoView());
    await shot(page, "job-detail");
    await context.close();
  });

  it("catches up with no gap and no duplicate after the Realtime stand-in is killed mid-run", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    const { job } = await submit(world.stack.url, world.stack.token, countingScript(200, 10), "kill");
    await page.goto(`${world.dashboardUrl}/jobs/${job.id}`);
    await waitFor(async () => (await lineCount(page)) >= 10, 90_000, "lines before the kill");
    const port = world.stack.realtime.port;
    await world.stack.realtime.close();
    await page.getByTestId("live-mode").filter({ hasText: "reconnecting" }).waitFor({ timeout: 30_000 });
    await new Promise((r) => setTimeout(r, 1500));
    revived = await startRealtimeStandIn({ ...world.stack.realtime.options, port });
    await page.getByTestId("live-mode").filter({ hasText: "realtime" }).waitFor({ timeout: 60_000 });
    await page.getByTestId("job-status").filter({ hasText: "completed" }).waitFor({ timeout: 90_000 });
    await waitFor(async () => (await lineCount(page)) >= 200, 20_000, "all 200 lines");
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(await lineCount(page), 200, "no duplicate");
    for (const n of ["0001", "0100", "0200"]) {
      await page.getByLabel("Search logs").fill(`line ${n}`);
      await page.getByTestId("log-count").filter({ hasText: "1 of 200 lines match" }).waitFor();
    }
    await context.close();
  });

  it(`opens a finished run of ${BIG_RUN_POINTS} lines and points on its downsampled series`, async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    await bigRun(world, page, (name) => shot(page, name));
    await context.close();
  });

  it("cancels a running job from its page", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    const { job } = await submit(world.stack.url, world.stack.token, countingScript(600, 300), "cancel");
    await page.goto(`${world.dashboardUrl}/jobs/${job.id}`);
    await waitFor(async () => (await lineCount(page)) > 0, 90_000, "the job to run");
    await page.getByRole("button", { name: "Cancel job" }).click();
    await page.getByTestId("job-status").filter({ hasText: "canceled" }).waitFor({ timeout: 60_000 });
    await page.goto(`${world.dashboardUrl}/jobs`);
    await page.getByRole("link", { name: job.id }).waitFor();
    await shot(page, "jobs");
    await context.close();
  });

  it("creates a token whose secret is shown once, and revokes it", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByLabel("Name").fill("browser-made");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = (await page.getByTestId("new-token").textContent()) ?? "";
    assert.match(secret, /^ow_[A-Za-z0-9_-]{43}$/);
    const exchange = (token: string) =>
      fetch(`${world.stack.url}/api/auth/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      }).then((r) => r.status);
    assert.equal(await exchange(secret), 200);
    await shot(page, "tokens");
    await page.getByRole("button", { name: "Revoke token browser-made" }).click();
    await page.getByRole("row").filter({ hasText: "browser-made" }).filter({ hasText: "revoked" }).waitFor();
    assert.equal(await exchange(secret), 401);
    await page.reload();
    assert.equal(await page.getByTestId("new-token").count(), 0, "the secret is not shown again");
    await context.close();
  });

  it("shows a second organization's user none of the first one's jobs", async () => {
    const sql = postgres(world.stack.cluster.url, { max: 1, onnotice: () => {} });
    const [other] = await sql<
      { token: string }[]
    >`select token from internal.bootstrap_organization('other')`;
    await sql.end();
    const { ow } = await submit(world.stack.url, world.stack.token, "print('mine')", "isolation");
    const mine = (await ow.jobs.list({ limit: 1 })).data[0]!;
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, other!.token);
    await page.getByText("No jobs.").waitFor();
    assert.equal(await page.getByTestId("job-row").count(), 0);
    await page.goto(`${world.dashboardUrl}/jobs/${mine.id}`);
    await page
      .getByRole("status")
      .filter({ hasText: `Loading job ${mine.id}` })
      .waitFor();
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await page.getByTestId("job-status").count(), 0, "the other org's job is not shown");
    await context.close();
  });

  it("shows the organization's limits and spend, and an admin changes the caps", async () => {
    const ow = new OpenWeights({ apiKey: world.stack.token, baseURL: world.stack.url });
    const was = await ow.limits.retrieve();
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    await page.getByRole("link", { name: "Organization" }).click();
    const limits = page.getByTestId("limits");
    await limits.getByText(`live of at most ${was.max_workers}`).waitFor();
    await page.getByLabel("Max workers").fill(String(was.max_workers + 1));
    await page.getByLabel("Hourly cap ($)").fill("");
    await page.getByLabel("Daily cap ($)").fill("12.5");
    await page.getByRole("button", { name: "Save limits" }).click();
    await page.getByRole("status").filter({ hasText: "Limits saved" }).waitFor();
    await limits.getByText(`live of at most ${was.max_workers + 1}`).waitFor();
    await limits.getByText("daily cap: $12.50").waitFor();
    await limits.getByText("hourly cap: no cap").waitFor();
    await shot(page, "organization-limits");
    const now = await ow.limits.retrieve();
    assert.deepEqual(
      [now.max_workers, now.max_hourly_usd, now.max_daily_usd],
      [was.max_workers + 1, null, 12.5],
    );
    await ow.limits.update({
      max_workers: was.max_workers,
      max_hourly_usd: was.max_hourly_usd,
      max_daily_usd: was.max_daily_usd,
    });
    await context.close();
  });

  it("lets an admin add members, change roles and remove one, keeping the last admin; a member only reads", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await manageMembers(world, page, signIn, (name) => shot(page, name));
    await context.close();
  });

  it("shows a run's logprob events with tokens shaded by probability", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    await logprobViewer(world, page, (name) => shot(page, name));
    await context.close();
  });

  it("signs up with email and password (first organization), signs out, signs in, resets the password", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await accountLifecycle(world, page, (name) => shot(page, name));
    await context.close();
  });

  it("labels every control and reaches the navigation by keyboard, on every view", async () => {
    const context = await world.newContext();
    const page = await context.newPage();
    await signIn(page, world.stack.token);
    for (const view of ["jobs", "workers", "tokens", "secrets", "organization"]) {
      await page.goto(`${world.dashboardUrl}/${view}`);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await assertLabelledAndKeyboardReachable(page);
      await shot(page, view);
    }
    await page.goto(`${world.dashboardUrl}/jobs`);
    const first = page.getByRole("link", { name: /^custom-/ }).first();
    await first.click();
    await page.getByTestId("job-status").waitFor();
    await page.reload(); // Tab then starts from the top, not from the link that was clicked
    await page.getByTestId("job-status").waitFor();
    await assertLabelledAndKeyboardReachable(page);
    await context.close();
  });
});
