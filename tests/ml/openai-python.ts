// Runs tests/ml/openai_flow.py, the npm client's flow with the official `openai` Python client, in
// its own small venv (scripts/ml/ensure-venv.sh --requirements openai-python-requirements.txt:
// built once, ~70 MB, reused while the pins stay the same; .ci/run builds it up front).
import { execFileSync, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "../../scripts/db/migrate.ts";

const here = join(repoRoot, "tests", "ml");

export function openaiPythonVenv(): string {
  const out = execFileSync(
    "bash",
    [
      join(repoRoot, "scripts", "ml", "ensure-venv.sh"),
      "--requirements",
      join(here, "openai-python-requirements.txt"),
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  return out.trim().split("\n").at(-1)!;
}

export interface PythonFlowSeen {
  fine_tune: {
    id: string;
    status: string;
    result_files: number;
    metrics_with_loss: number;
    first_event: string | null;
    last_event: string | null;
    checkpoint_steps: number[];
  };
  batch: Record<string, unknown>;
  chat: Record<string, unknown>;
}

export function runPythonFlow(
  baseUrl: string,
  apiKey: string,
  spec: Record<string, unknown>,
): PythonFlowSeen {
  const python = join(openaiPythonVenv(), "bin", "python");
  const run = spawnSync(python, [join(here, "openai_flow.py"), JSON.stringify(spec)], {
    encoding: "utf8",
    env: { ...process.env, OPENAI_BASE_URL: `${baseUrl}/openai/v1`, OPENAI_API_KEY: apiKey },
    timeout: 900_000,
  });
  if (run.status !== 0) throw new Error(`openai_flow.py failed (${run.status}): ${run.stderr || run.error}`);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as PythonFlowSeen;
}
