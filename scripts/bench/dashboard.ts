// Dashboard benchmark (npm run bench:dashboard), in a real browser against the whole local stack:
//  1. log line printed by a job → visible in the browser, p50/p95 over N lines, Realtime and
//     long-poll in the same run (two pages, two dashboards — one with Realtime, one without —
//     watching the same job at the same time);
//  2. the jobs page with 10,000 jobs: time to first rows;
//  3. a run page with 100,000 log lines and 100,000 metric points: time until every line and
//     point is loaded and drawn, and then how long a log search takes to answer;
//  4. reading those 100,000 points through the api: every event page vs the downsampled summary.
// Sizes: BENCH_LINES (500), BENCH_JOBS (10000), BENCH_BIG (100000).
import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import postgres from "postgres";
import { startWorld } from "../../dashboard/e2e/harness.ts";
import { bigScript, submit } from "../../dashboard/e2e/jobs.ts";
import { freePort } from "../db/cluster.ts";
import { startDashboard } from "../local/dashboard.ts";

const LINES = Number(process.env.BENCH_LINES ?? 500);
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const BIG = Number(process.env.BENCH_BIG ?? 100_000);

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

/**
 * A job printing `t=<epoch ms>` lines at a steady pace (the browser and the job share one clock),
 * after a pause that lets both pages open and subscribe first.
 */
function timestampScript(lines: number, seconds: number) {
  return [
    "import time",
    "time.sleep(8)",
    `for i in range(${lines}):`,
    "    print(f'bench {i:05d} t={time.time() * 1000:.1f}', flush=True)",
    `    time.sleep(${seconds} / ${lines})`,
  ].join("\n");
}

/**
 * Records, in the page, how late each log line is first rendered. A string, not a function: tsx
 * (esbuild keepNames) would wrap a function in a `__name` helper the page does not have.
 */
const WATCH_LINES = `(() => {
  const seen = new Map();
  window.__seen = seen;
  const scan = () => {
    for (const el of document.querySelectorAll(".log-line")) {
      const m = /bench (\\d+) t=([\\d.]+)/.exec(el.textContent || "");
      if (m && !seen.has(m[1])) seen.set(m[1], Date.now() - Number(m[2]));
    }
  };
  new MutationObserver(scan).observe(document.body, { childList: true, subtree: true, characterData: true });
})()`;

async function watchLines(page: Page) {
  await page.evaluate(WATCH_LINES);
}

async function latencies(page: Page): Promise<number[]> {
  return (await page.evaluate("[...window.__seen.values()]")) as number[];
}

async function signIn(page: Page, base: string, token: string) {
  await page.goto(`${base}/login`);
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/jobs$/);
}

async function main() {
  const world = await startWorld();
  const longPoll = await startDashboard(
    { OW_API_URL: world.stack.url, DASHBOARD_SESSION_SECRET: randomBytes(32).toString("hex") },
    await freePort(),
  );
  const rows: string[] = [];
  try {
    const token = world.stack.token;
    const rtPage = await (await world.newContext()).newPage();
    const lpPage = await (await world.newContext()).newPage();
    await signIn(rtPage, world.dashboardUrl, token);
    await signIn(lpPage, longPoll.url, token);

    // 1. Log latency, both ways at once.
    const { job } = await submit(world.stack.url, token, timestampScript(LINES, LINES / 20), "bench-latency");
    await Promise.all([
      rtPage.goto(`${world.dashboardUrl}/jobs/${job.id}`),
      lpPage.goto(`${longPoll.url}/jobs/${job.id}`),
    ]);
    await Promise.all([watchLines(rtPage), watchLines(lpPage)]);
    await rtPage.getByTestId("live-mode").filter({ hasText: "realtime" }).waitFor({ timeout: 60_000 });
    for (const page of [rtPage, lpPage])
      await page.getByTestId("job-status").filter({ hasText: "completed" }).waitFor({ timeout: 300_000 });
    await new Promise((r) => setTimeout(r, 2000));
    const row = (what: string, xs: number[]) =>
      `| ${what} | ${xs.length} lines | p50 ${quantile(xs, 0.5).toFixed(0)} ms | p95 ${quantile(xs, 0.95).toFixed(0)} ms |`;
    for (const [name, page] of [
      ["Realtime (stand-in)", rtPage],
      ["long-poll (no Realtime)", lpPage],
    ] as const)
      rows.push(row(`log line → visible, ${name}`, await latencies(page)));
    // Where the time goes: printed → committed in run_logs (the worker's batching and its POST;
    // the broadcast is sent in that same transaction), the rest is delivery and rendering.
    const db = postgres(world.stack.cluster.url, { max: 1, onnotice: () => {} });
    const chunks = await db<{ stored: Date; lines: string[] }[]>`select l.created_at as stored, l.lines
      from public.run_logs l join public.runs r on r.id = l.run_id where r.job_id = ${job.id}`;
    await db.end();
    const stored = new Map<string, number>();
    for (const c of chunks)
      for (const line of c.lines) {
        const m = /bench (\d+) t=([\d.]+)/.exec(line);
        if (m?.[1] && m[2]) stored.set(m[1], c.stored.getTime() - Number(m[2]));
      }
    rows.push(row("(part) log line printed → committed in run_logs", [...stored.values()]));
    const rtSeen = (await rtPage.evaluate("[...window.__seen.entries()]")) as [string, number][];
    rows.push(
      row(
        "(part) committed → visible, Realtime",
        rtSeen.flatMap(([k, v]) => (stored.has(k) ? [v - stored.get(k)!] : [])),
      ),
    );

    // 2. Jobs page with many jobs.
    const sql = postgres(world.stack.cluster.url, { max: 1, onnotice: () => {} });
    await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${JSON.stringify({ role: "authenticated", organization_id: world.stack.organizationId, token_role: "admin" })}, true)`;
      await tx.unsafe("set local role authenticated");
      // Canceled at once, in the same transaction, so no worker is started for them.
      await tx`select count(public.cancel_job((x.job).id)) from generate_series(1, ${JOBS}) g,
        lateral public.submit_job(p_type => 'custom', p_image => 'ow/bench-list:1', p_entrypoint => array['true'],
          p_params => jsonb_build_object('i', g), p_requires_vram_gb => 0) x`;
    });
    await sql.end();
    const firstRows: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await rtPage.goto(`${world.dashboardUrl}/jobs`);
      await rtPage.getByTestId("job-row").first().waitFor();
      firstRows.push(Date.now() - started);
    }
    rows.push(
      `| jobs page, ${JOBS} jobs: navigation → first rows | 3 loads | median ${quantile(firstRows, 0.5)} ms | max ${Math.max(...firstRows)} ms |`,
    );

    // 3. A big run.
    const { job: big } = await submit(world.stack.url, token, bigScript(BIG), "bench-big");
    const ow = (await submit(world.stack.url, token, "print(1)", "bench-handle")).ow;
    await ow.jobs.wait(big.id, { pollInterval: 1000, timeout: 900_000 });
    const started = Date.now();
    await rtPage.goto(`${world.dashboardUrl}/jobs/${big.id}`);
    await rtPage.locator(`[data-testid=log-count][data-line-count="${BIG}"]`).waitFor({ timeout: 600_000 });
    const linesAt = Date.now() - started;
    await rtPage.locator(`[data-metric="loss"][data-points="${BIG}"]`).waitFor({ timeout: 600_000 });
    const pointsAt = Date.now() - started;
    const searchStart = Date.now();
    await rtPage.getByLabel("Search logs").fill("line 077777");
    await rtPage
      .getByTestId("log-count")
      .filter({ hasText: `1 of ${BIG} lines match` })
      .waitFor();
    const searchMs = Date.now() - searchStart;
    rows.push(`| run page, ${BIG} lines + ${BIG} points: all lines shown | 1 load | ${linesAt} ms | |`);
    rows.push(
      `| run page, ${BIG} lines + ${BIG} points: all points plotted (interactive) | 1 load | ${pointsAt} ms | |`,
    );
    rows.push(`| run page, ${BIG} lines: a log search answers | 1 search | ${searchMs} ms | |`);

    // 4. The page's first read of the metrics, both ways, same run: every event page (what the
    //    page did before GET /jobs/:id/metrics; once, it is the slow one) against the one
    //    downsampled summary (3 times).
    let t = Date.now();
    let pages = 0;
    for await (const _page of (await ow.events.list(big.id, { limit: 1000 })).iterPages()) pages += 1;
    const paged = Date.now() - t;
    const summarized: number[] = [];
    for (let i = 0; i < 3; i++) {
      t = Date.now();
      const summary = await ow.events.metrics(big.id, { buckets: 1500 });
      summarized.push(Date.now() - t);
      if (summary.series.find((s) => s.name === "loss")?.points !== BIG)
        throw new Error("summary lost points");
    }
    const summaryMs = quantile(summarized, 0.5);
    rows.push(
      `| api: read a run's ${BIG} metric points as every event page (${pages} pages of 1,000) | 1 read | ${paged} ms | |`,
      `| api: read them as one downsampled series (GET /jobs/:id/metrics) | 3 reads | median ${summaryMs} ms | ${(paged / summaryMs).toFixed(1)}× less |`,
    );
  } finally {
    await longPoll.stop();
    await world.stop();
  }
  console.log(["| measure | sample | result | |", "|---|---|---|---|", ...rows].join("\n"));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
