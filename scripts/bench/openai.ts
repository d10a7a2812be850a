// OpenAI-compatible paths vs the native api (npm run bench:openai): the same fine-tuning job
// created through POST /openai/v1/fine_tuning/jobs and through POST /api/jobs (with the
// submission the openai function builds, so both write the same kind of job), and the same
// listings through both. Sequential requests with a raw `ow_` token through the Deno gateway,
// interleaved so load drifts hit both sides alike; prints p50/p99 and the p50 ratio (goal ≤ 1.2×).
import { startBenchStack } from "./bench-stack.ts";

const N = Number(process.env.BENCH_OPENAI_N ?? 200);
const WARMUP = 20;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? Number.NaN;
};

async function timed(call: () => Promise<Response>, expect: number): Promise<number> {
  const t = performance.now();
  const res = await call();
  const body = await res.text();
  const ms = performance.now() - t;
  if (res.status !== expect) throw new Error(`answered ${res.status}: ${body.slice(0, 300)}`);
  return ms;
}

async function main() {
  const stack = await startBenchStack("openai");
  try {
    const auth = { authorization: `Bearer ${stack.adminToken}` };
    const json = { ...auth, "content-type": "application/json" };
    const form = new FormData();
    form.append("purpose", "fine-tune");
    form.append(
      "file",
      new Blob(['{"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}]}\n']),
      "train.jsonl",
    );
    const file = (await (
      await fetch(`${stack.url}/openai/v1/files`, { method: "POST", headers: auth, body: form })
    ).json()) as { id: string };
    // The native twin of the openai create: the submission the openai function made for the first job.
    const first = (await (
      await fetch(`${stack.url}/openai/v1/fine_tuning/jobs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ model: "Qwen/Qwen3-0.6B", training_file: file.id, seed: 0 }),
      })
    ).json()) as { id: string };
    const native = (await (
      await fetch(`${stack.url}/api/jobs/${first.id}`, { headers: auth })
    ).json()) as Record<string, unknown>;
    let seed = 1;
    const openaiCreate = () =>
      fetch(`${stack.url}/openai/v1/fine_tuning/jobs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({ model: "Qwen/Qwen3-0.6B", training_file: file.id, seed: seed++ }),
      });
    const nativeCreate = () =>
      fetch(`${stack.url}/api/jobs`, {
        method: "POST",
        headers: json,
        body: JSON.stringify({
          type: native.type,
          image: native.image,
          entrypoint: native.entrypoint,
          params: { ...(native.params as object), seed: seed++ },
          mounts: native.mounts,
          requires_vram_gb: native.requires_vram_gb,
          secrets: native.secrets,
          model: native.model,
        }),
      });
    const pairs: [string, () => Promise<Response>, number, () => Promise<Response>, number][] = [
      ["create a fine-tuning job", openaiCreate, 200, nativeCreate, 201],
      [
        "list fine-tuning jobs (20)",
        () => fetch(`${stack.url}/openai/v1/fine_tuning/jobs?limit=20`, { headers: auth }),
        200,
        () => fetch(`${stack.url}/api/jobs?type=fine-tuning&limit=20`, { headers: auth }),
        200,
      ],
      [
        "list files (20)",
        () => fetch(`${stack.url}/openai/v1/files?limit=20`, { headers: auth }),
        200,
        () => fetch(`${stack.url}/api/files?limit=20`, { headers: auth }),
        200,
      ],
    ];
    console.log(
      `N=${N} sequential requests per path (after ${WARMUP} warm-up each), raw ow_ token, one Deno gateway\n`,
    );
    console.log("| operation | openai p50 ms | native p50 ms | p50 ratio | openai p99 ms | native p99 ms |");
    console.log("|---|---|---|---|---|---|");
    for (const [name, ours, oursStatus, theirs, theirsStatus] of pairs) {
      for (let i = 0; i < WARMUP; i++) {
        await timed(ours, oursStatus);
        await timed(theirs, theirsStatus);
      }
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < N; i++) {
        a.push(await timed(ours, oursStatus));
        b.push(await timed(theirs, theirsStatus));
      }
      const [pa, pb] = [quantile(a, 0.5), quantile(b, 0.5)];
      console.log(
        `| ${name} | ${pa.toFixed(2)} | ${pb.toFixed(2)} | ${(pa / pb).toFixed(2)}× | ${quantile(a, 0.99).toFixed(2)} | ${quantile(b, 0.99).toFixed(2)} |`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
