// API benchmark (npm run bench:api): job submission latency through the Deno gateway (raw `ow_`
// token and exchanged JWT) against the same public.submit_job call made directly from Node, and
// log-append throughput through the worker-api. Starts its own cluster and gateway; prints a
// markdown table (medians of a few repetitions, after a warm-up).

import postgres from "postgres";
import { startBenchStack } from "./bench-stack.ts";

const REPS = Number(process.env.BENCH_REPS ?? 3);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 300);
const THROUGHPUT_N = Number(process.env.BENCH_THROUGHPUT_N ?? 600);
const CONCURRENCY = 8;
const APPENDERS = 4;
const BATCHES_PER_APPENDER = Number(process.env.BENCH_LOG_BATCHES ?? 30);
const LINES_PER_BATCH = 500;
const IMAGE = "ow/bench:1";

type Sql = postgres.Sql;

interface Stats {
  p50: number;
  p99: number;
  rps: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

let counter = 0;
const submission = () => ({
  type: "bench",
  image: "ow/bench-submit:1", // never claimed by the log-bench workers (another image)
  entrypoint: ["python", "train.py"],
  params: { i: counter++, lr: 0.001, model: "unsloth/llama-3-8b", epochs: 3, tag: "bench" },
  requires_vram_gb: 80,
});

/** Sequential latencies, then requests/s at CONCURRENCY in flight. */
async function measure(call: () => Promise<void>): Promise<Stats> {
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const t = performance.now();
    await call();
    latencies.push(performance.now() - t);
  }
  let left = THROUGHPUT_N;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  return { p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), rps: THROUGHPUT_N / seconds };
}

function httpSubmit(url: string, credential: string) {
  return async () => {
    const res = await fetch(`${url}/api/jobs`, {
      method: "POST",
      headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
      body: JSON.stringify(submission()),
    });
    if (res.status !== 201) throw new Error(`submit answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
}

/** The api's own statement, run the way withClaims runs it. */
function directSubmit(sql: Sql, claims: Record<string, unknown>) {
  const claimsText = JSON.stringify(claims);
  return async () => {
    const s = submission();
    await sql.begin(async (tx) => {
      await tx`select set_config('request.jwt.claims', ${claimsText}, true), set_config('role', 'authenticated', true)`;
      const [r] = await tx`select to_jsonb(job) as job, created, reset from public.submit_job(
        p_type => ${s.type}, p_image => ${s.image}, p_entrypoint => ${s.entrypoint}::text[], p_params => ${tx.json(s.params)},
        p_mounts => ${tx.json({})}, p_requires_vram_gb => ${s.requires_vram_gb}, p_allowed_hardware => ${null}::text[],
        p_priority => ${0}, p_timeout_seconds => ${86400}, p_max_attempts => ${3},
        p_secrets => ${[]}::text[], p_model => ${null}, p_id_suffix => ${null}, p_force => ${false})`;
      if (!r?.created) throw new Error("direct submit created nothing");
    });
  };
}

async function post(url: string, credential: string, path: string, body: unknown) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${credential}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Registers `n` workers, gives each a run, and returns (token, run id) pairs. */
async function logRuns(url: string, sql: Sql, org: string, admin: string, n: number, tag: string) {
  const runs: { token: string; runId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const workerId = `bench-${tag}-${i}`;
    const [row] = await sql<
      { token: string }[]
    >`select token from internal.mint_worker_token(${org}, ${workerId})`;
    const token = row!.token;
    await post(url, token, "/worker-api/register", { image: IMAGE, vram_gb: 24 });
    await post(url, admin, "/api/jobs", {
      type: "logs",
      image: IMAGE,
      entrypoint: ["run"],
      params: { worker: workerId },
      requires_vram_gb: 0,
    });
    const claim = (await post(url, token, "/worker-api/claim", { wait_ms: 0 })) as {
      claim: { run_id: string } | null;
    };
    if (!claim.claim) throw new Error(`${workerId} claimed nothing`);
    runs.push({ token, runId: claim.claim.run_id });
  }
  return runs;
}

const LINE =
  "2026-11-29 12:00:00 INFO step 000000 loss=0.123456 lr=0.000100 grad_norm=1.2345 tokens/s=12345.6";

async function main() {
  const stack = await startBenchStack("api", { OW_LEASE_SECONDS: "3600" });
  let sql: Sql | undefined;
  try {
    const url = stack.url;
    const dbUrl = stack.dbUrl;
    sql = postgres(dbUrl, { max: 10, onnotice: () => {} });
    const orgId = stack.orgId;
    const token = stack.adminToken;
    const exchanged = await post(url, "", "/api/auth/token", { token });
    const jwt = String(exchanged.access_token);
    const [tokenRow] = await sql<
      { id: string }[]
    >`select id from public.api_tokens where organization_id = ${orgId}`;
    const claims = {
      role: "authenticated",
      organization_id: orgId,
      token_id: tokenRow!.id,
      token_role: "admin",
    };

    const modes: [string, () => Promise<void>][] = [
      ["API, raw `ow_` token", httpSubmit(url, token)],
      ["API, exchanged JWT", httpSubmit(url, jwt)],
      ["direct SQL `public.submit_job` (same claims)", directSubmit(sql, claims)],
    ];
    const logBench = await logRuns(url, sql, orgId, token, APPENDERS, "logs");

    // Warm-up: JIT, pools, prepared statements, the catalog cache.
    for (const [, call] of modes) for (let i = 0; i < 100; i++) await call();
    await appendWithBase(url, logBench, 3, 0);
    let seqBase = 3;

    const results: Record<string, Stats[]> = {};
    const lineRates: number[] = [];
    for (let rep = 0; rep < REPS; rep++) {
      for (const [name, call] of modes) {
        const stats = await measure(call);
        results[name] = [...(results[name] ?? []), stats];
      }
      // Fresh seqs: a repeated seq is a duplicate the database ignores.
      lineRates.push(await appendWithBase(url, logBench, BATCHES_PER_APPENDER, seqBase));
      seqBase += BATCHES_PER_APPENDER;
      console.error(`rep ${rep + 1}/${REPS} done`);
    }

    const row = (name: string) => {
      const s = results[name]!;
      return {
        p50: median(s.map((x) => x.p50)),
        p99: median(s.map((x) => x.p99)),
        rps: median(s.map((x) => x.rps)),
      };
    };
    const direct = row(modes[2]![0]);
    const lines: string[] = [
      `| path | p50 | p99 | req/s at ${CONCURRENCY} in flight | p50 ÷ direct p50 |`,
      "|---|---|---|---|---|",
    ];
    for (const [name] of modes) {
      const r = row(name);
      lines.push(
        `| ${name} | ${r.p50.toFixed(2)} ms | ${r.p99.toFixed(2)} ms | ${r.rps.toFixed(0)} | ${(r.p50 / direct.p50).toFixed(2)}× |`,
      );
    }
    const lps = median(lineRates);
    lines.push(
      "",
      `Log append: ${APPENDERS} concurrent appenders on different runs, batches of ${LINES_PER_BATCH} lines of ~${LINE.length + 8} chars, ` +
        `${BATCHES_PER_APPENDER} batches each: **${Math.round(lps).toLocaleString("en-US")} lines/s** ` +
        `(repetitions: ${lineRates.map((x) => Math.round(x).toLocaleString("en-US")).join(", ")}).`,
      "",
      `Medians of ${REPS} repetitions (latency: ${LATENCY_N} sequential submissions each; throughput: ${THROUGHPUT_N} submissions each), after a warm-up.`,
    );
    console.log(lines.join("\n"));
  } finally {
    await sql?.end({ timeout: 1 });
    await stack.stop();
  }
}

async function appendWithBase(
  url: string,
  runs: { token: string; runId: string }[],
  batches: number,
  seqBase: number,
): Promise<number> {
  const body = (seq: number) =>
    JSON.stringify({
      seq,
      streams: "o".repeat(LINES_PER_BATCH),
      lines: Array.from({ length: LINES_PER_BATCH }, (_, i) => `${LINE} ${seq}:${i}`),
    });
  const start = performance.now();
  let accepted = 0;
  await Promise.all(
    runs.map(async (run) => {
      for (let b = 0; b < batches; b++) {
        const res = await fetch(`${url}/worker-api/runs/${run.runId}/logs`, {
          method: "POST",
          headers: { authorization: `Bearer ${run.token}`, "content-type": "application/json" },
          body: body(seqBase + b),
        });
        const json = (await res.json()) as { accepted?: boolean };
        if (res.status !== 200) throw new Error(`logs answered ${res.status}: ${JSON.stringify(json)}`);
        if (json.accepted) accepted++;
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  if (accepted !== runs.length * batches) throw new Error(`only ${accepted} batches were new`);
  return (runs.length * batches * LINES_PER_BATCH) / seconds;
}

await main();
