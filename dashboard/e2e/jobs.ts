// Jobs the browser tests submit through the SDK: Python one-liners run by the local worker.
import { OpenWeights } from "../../sdk/src/node/index.ts";

/** Prints `lines` numbered lines (`line 0001` …) over ~`seconds`, emitting a metrics event per line. */
export function countingScript(lines: number, seconds: number): string {
  return [
    "import json, os, sys, time",
    "ev = open(os.environ.get('OPENWEIGHTS_EVENTS', 'events.jsonl'), 'a')",
    `n, pause = ${lines}, ${seconds} / ${lines}`,
    "for i in range(1, n + 1):",
    "    print(f'line {i:04d} \\x1b[32mok\\x1b[0m', flush=True)",
    "    ev.write(json.dumps({'type': 'metrics', 'step': i, 'loss': 1.0 / i, 'learning_rate': 0.001}) + '\\n'); ev.flush()",
    "    time.sleep(pause)",
  ].join("\n");
}

export async function submit(url: string, token: string, script: string, tag: string) {
  const ow = new OpenWeights({ apiKey: token, baseURL: url });
  const job = await ow.jobs.create({
    type: "custom",
    image: "openweights/local-python",
    entrypoint: ["python3", "-c", script],
    params: { tag, nonce: Math.random() },
    requires_vram_gb: 0,
  });
  return { ow, job };
}

/**
 * A run with `n` log lines (`line 000000 …`) and `n` metric points (loss by step), all written at
 * once: what the run page opens on when a long fine-tune has already run (bench:dashboard, and a
 * small one in the browser tests).
 */
export function bigScript(n: number): string {
  return [
    "import json, os",
    "ev = open(os.environ.get('OPENWEIGHTS_EVENTS', 'events.jsonl'), 'a')",
    `for i in range(${n}):`,
    "    print(f'line {i:06d} step output', flush=False)",
    "    ev.write(json.dumps({'type': 'metrics', 'step': i, 'loss': 1.0 / (i + 1)}) + '\\n')",
    "ev.flush()",
  ].join("\n");
}
