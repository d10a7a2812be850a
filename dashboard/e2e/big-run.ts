// The run page on a long run, in the browser: a finished job with a few thousand log lines and
// metric points (100,000 in bench:dashboard; small here to keep CI cheap, but past the 2 × 1,500
// points where downsampling starts). The page must open on the api's downsampled series (one GET
// /jobs/:id/metrics, not every event page), count every point, draw fewer, and paint the line.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { World } from "./harness.ts";
import { bigScript, submit } from "./jobs.ts";

export const BIG_RUN_POINTS = 4000;
/** MetricPlot's and the summary's bucket count: at most two points kept per bucket. */
const MAX_DRAWN = 2 * 1500;

/**
 * Pixels of the first run's colour (#4e79a7, MetricPlot's COLOURS[0]) on the plot's canvas: the
 * series was drawn, not only the axes. A string, not a function, for tsx's keepNames (see bench).
 */
const SERIES_PIXELS = `(() => {
  const canvas = document.querySelector('[data-metric="loss"] canvas');
  if (!canvas) return 0;
  const { data } = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4)
    if (Math.abs(data[i] - 78) + Math.abs(data[i + 1] - 121) + Math.abs(data[i + 2] - 167) < 60 && data[i + 3] > 200) n++;
  return n;
})()`;

export async function bigRun(world: World, page: Page, shot: (name: string) => Promise<void>) {
  const { ow, job } = await submit(world.stack.url, world.stack.token, bigScript(BIG_RUN_POINTS), "big-run");
  await ow.jobs.wait(job.id, { pollInterval: 1000, timeout: 300_000 });
  const reads = { metrics: 0, eventPages: 0 };
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.pathname.endsWith(`/api/jobs/${job.id}/metrics`)) reads.metrics += 1;
    if (url.pathname.endsWith(`/api/jobs/${job.id}/events`) && !url.searchParams.has("type"))
      reads.eventPages += 1;
  });
  await page.goto(`${world.dashboardUrl}/jobs/${job.id}`);
  await page.getByTestId("job-status").filter({ hasText: "completed" }).waitFor({ timeout: 60_000 });
  await page
    .locator(`[data-testid=log-count][data-line-count="${BIG_RUN_POINTS}"]`)
    .waitFor({ timeout: 120_000 });
  const plot = page.locator(`[data-metric="loss"][data-points="${BIG_RUN_POINTS}"]`);
  await plot.waitFor({ timeout: 120_000 });
  const drawn = Number(await plot.getAttribute("data-drawn"));
  assert.ok(drawn > 100 && drawn <= MAX_DRAWN, `drew ${drawn} of ${BIG_RUN_POINTS} points`);
  assert.ok((await page.evaluate<number>(SERIES_PIXELS)) > 50, "the loss line is painted");
  assert.ok(reads.metrics >= 1, "the page read the downsampled series");
  // Every event page would be 4 pages of 1,000; after the summary only the events since it.
  assert.ok(reads.eventPages <= 2, `the page read ${reads.eventPages} unfiltered event pages`);
  await page.getByLabel("Search logs").fill("line 003210");
  await page
    .getByTestId("log-count")
    .filter({ hasText: `1 of ${BIG_RUN_POINTS} lines match` })
    .waitFor();
  await page.getByLabel("Search logs").fill("");
  await shot("run-detail-large");
}
