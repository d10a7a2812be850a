// The logprob viewer in the browser: a job emits a `logprobs` event with tokens and their
// logprobs (the shape the logprob job and training callbacks write); the job page lists it and
// shades each token by its probability, the value on hover.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import type { World } from "./harness.ts";
import { submit } from "./jobs.ts";

const TOKENS = ["The", " cat", " sat", " on", " the", " mat"];
const LOGPROBS = [-0.05, -2.3, -0.7, -0.01, -0.02, -4.6];

function logprobScript(): string {
  const event = {
    type: "logprobs",
    tag: "eval-sample",
    step: 7,
    loss: 1.25,
    tokens: TOKENS,
    logprobs: LOGPROBS,
  };
  return [
    "import os",
    "ev = open(os.environ.get('OPENWEIGHTS_EVENTS', 'events.jsonl'), 'a')",
    // A JSON string literal is a Python string literal too.
    `ev.write(${JSON.stringify(JSON.stringify(event))} + '\\n')`,
    "ev.flush()",
    "print('logprobs written', flush=True)",
  ].join("\n");
}

export async function logprobViewer(world: World, page: Page, shot: (name: string) => Promise<void>) {
  const { ow, job } = await submit(world.stack.url, world.stack.token, logprobScript(), "logprobs");
  await ow.jobs.wait(job.id, { pollInterval: 1000, timeout: 300_000 });
  await page.goto(`${world.dashboardUrl}/jobs/${job.id}`);
  const view = page.getByRole("region", { name: "Logprobs" });
  await view.getByRole("cell", { name: "eval-sample" }).waitFor({ timeout: 60_000 });
  const strip = view.locator("p.tokens span");
  assert.deepEqual(await strip.allTextContents(), TOKENS);
  assert.equal(await strip.nth(5).getAttribute("title"), "logprob -4.600 (p=0.010)");
  // Less likely is darker: " mat" (p 0.01) is shaded more than "The" (p 0.95).
  const alpha = async (i: number) =>
    Number(/rgba\([^)]*,\s*([\d.]+)\)/.exec((await strip.nth(i).getAttribute("style")) ?? "")?.[1]);
  assert.ok((await alpha(5)) > (await alpha(0)), "the unlikely token is darker");
  await view.scrollIntoViewIfNeeded();
  await shot("logprob-viewer");
}
