// `npm run demo`: brings the local stack up (or uses the running one), submits the custom job
// from examples/custom-job through the SDK, streams its logs live, prints its metrics and result,
// then submits it again to show deduplication.
import { join } from "node:path";
import process from "node:process";
import { trainingFamily } from "../../examples/custom-job/custom-job.ts";
import { OpenWeights } from "../../sdk/src/node/index.ts";
import { repoRoot } from "../db/migrate.ts";
import { type LocalStack, portIsFree, startLocalStack } from "./stack.ts";
import { StackState } from "./stack-state.ts";

const stateDir = process.env.OW_STATE_DIR ?? join(repoRoot, ".openweights");

async function connect(): Promise<{ url: string; token: string; stack: LocalStack | null }> {
  const state = new StackState(stateDir);
  const running = state.running();
  const credentials = state.credentials();
  if (running && credentials) {
    console.log(`Using the running stack at ${running.url}`);
    return { url: running.url, token: credentials.token, stack: null };
  }
  const port = Number(process.env.OW_PORT ?? 54321);
  const dbPort = Number(process.env.OW_DB_PORT ?? 54322);
  if (!(await portIsFree(port)) || !(await portIsFree(dbPort))) {
    throw new Error(
      `ports ${port}/${dbPort} are taken by something that is not an OpenWeights stack; set OW_PORT / OW_DB_PORT`,
    );
  }
  console.log("Starting the local stack (PostgreSQL, migrations, functions under Deno, scaler)…");
  const stack = await startLocalStack({
    stateDir,
    port,
    dbPort,
    tickSeconds: 2,
    progress: (step, done) => done && console.log(`  ✓ ${step}`),
  });
  state.lock({ pid: process.pid, url: stack.url, dashboardUrl: null, startedAt: new Date().toISOString() });
  return { url: stack.url, token: stack.token, stack };
}

async function demo(ow: OpenWeights): Promise<void> {
  const family = trainingFamily(ow);
  const params = { steps: 20, learning_rate: 0.1 };
  const job = await family.create(params);
  console.log(`\nSubmitted job ${job.id} (status: ${job.status}). The scaler starts a local worker for it.`);
  const dashboardUrl = new StackState(stateDir).running()?.dashboardUrl;
  console.log(
    dashboardUrl
      ? `Watch it in the dashboard: ${dashboardUrl}/jobs/${job.id}`
      : "(With `npm start` running, the dashboard shows this job live at http://127.0.0.1:3000/jobs/<id>.)",
  );
  console.log("Live logs:");
  for await (const line of ow.logs.follow(job.id, { wait: 5 })) {
    console.log(`  │ ${line.stream === "stderr" ? "[stderr] " : ""}${line.text}`);
  }
  const done = await ow.jobs.wait(job.id, { pollInterval: 300, timeout: 120_000 });
  console.log(`\nJob ${done.id} finished: ${done.status}`);
  if (done.status !== "completed")
    throw new Error(`the demo job ended ${done.status}: ${done.failure_message ?? ""}`);
  const metrics: string[] = [];
  for await (const event of ow.events.list(job.id, { type: "metrics" }))
    metrics.push(`step ${event.data.step}: loss ${event.data.loss}`);
  console.log(`Metrics (${metrics.length} events): ${metrics.join(" · ")}`);
  for await (const event of ow.events.list(job.id, { type: "file" })) {
    const text = await (await ow.files.content(String(event.data.file_id))).text();
    console.log(`Result file ${event.data.path}: ${text}`);
  }
  const again = await family.create(params);
  console.log(
    again.id === job.id && again.created === false
      ? `\nSubmitted the same job again: got ${again.id} back, status ${again.status} — deduplicated, nothing ran twice.`
      : `\nResubmission created ${again.id}: deduplication did NOT happen.`,
  );
  if (again.id !== job.id) throw new Error("deduplication failed");
}

async function main(): Promise<number> {
  const { url, token, stack } = await connect();
  try {
    await demo(new OpenWeights({ apiKey: token, baseURL: url }));
    return 0;
  } finally {
    if (stack) {
      await stack.stop();
      new StackState(stateDir).unlock();
    }
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
