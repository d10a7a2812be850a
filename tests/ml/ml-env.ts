// The CPU Python environment of the ML suites and the tiny models the jobs load: the venv that
// scripts/ml/ensure-venv.sh builds (keyed by the pinned requirements), and two tiny random models
// built once per builder version by sdk/job-scripts/tests/tiny_models.py (no Hub at any point).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { resolveJobUser } from "../../worker/src/executors/job-user.ts";

export interface MlEnv {
  venv: string;
  python: string;
  /** The venv's bin/, first on the workers' PATH so `python3` in an entrypoint is the pinned stack. */
  binDir: string;
  models: { llama: string; qwen: string };
}

export const jobScriptsDir = join(repoRoot, "sdk", "job-scripts");

/** The venv path the pinned requirements map to; built or not. */
export function mlVenvPath(): string {
  return execFileSync("bash", [join(repoRoot, "scripts", "ml", "ensure-venv.sh"), "--path"], {
    encoding: "utf8",
  }).trim();
}

export function mlVenvReady(venv = mlVenvPath()): boolean {
  return existsSync(join(venv, ".complete"));
}

/** Offline, quiet, single-threaded torch per process: jobs run side by side on two cores. */
export const ML_JOB_ENV: Record<string, string> = {
  HF_HUB_OFFLINE: "1",
  HF_DATASETS_OFFLINE: "1",
  TRANSFORMERS_OFFLINE: "1",
  TOKENIZERS_PARALLELISM: "false",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
  PYTHONDONTWRITEBYTECODE: "1",
  INSPECT_DISPLAY: "none",
  DO_NOT_TRACK: "1",
};

export function prepareMlEnv(): MlEnv {
  const venv = mlVenvPath();
  if (!mlVenvReady(venv))
    throw new Error(`no ML venv at ${venv}: run scripts/ml/ensure-venv.sh (.ci/run does)`);
  const python = join(venv, "bin", "python");
  assertJobUserCanRun(python);
  const builder = join(jobScriptsDir, "tests", "tiny_models.py");
  const key = createHash("sha256").update(readFileSync(builder)).update(venv).digest("hex").slice(0, 12);
  const out = join(dirname(venv), `tiny-models-${key}`);
  if (!existsSync(join(out, ".complete"))) {
    rmSync(out, { recursive: true, force: true });
    mkdirSync(out, { recursive: true });
    execFileSync(python, [builder, out], {
      cwd: jobScriptsDir,
      env: { ...process.env, ...ML_JOB_ENV },
      stdio: "inherit",
    });
    // safetensors writes its files owner-only (0600); jobs read them as the job user.
    execFileSync("chmod", ["-R", "a+rX", out]);
    writeFileSync(join(out, ".complete"), "");
  }
  return {
    venv,
    python,
    binDir: join(venv, "bin"),
    models: { llama: join(out, "tiny-llama"), qwen: join(out, "tiny-qwen3") },
  };
}

/**
 * A root worker runs jobs as an unprivileged user (worker/src/executors/job-user.ts); a venv that
 * user cannot reach fails every job after launch with "Permission denied" and nothing in the
 * test's own output. Checked once up front so the suite says why.
 */
function assertJobUserCanRun(python: string): void {
  const user = resolveJobUser();
  if (!user) return;
  const probe = spawnSync(python, ["-c", "0"], { uid: user.uid, gid: user.gid, cwd: "/", encoding: "utf8" });
  if (probe.status !== 0)
    throw new Error(
      `the job user ${user.name} cannot run ${python} (${(probe.stderr || String(probe.error)).trim()}): build the venv where it can reach it (scripts/ml/ensure-venv.sh does under root)`,
    );
}

/**
 * Runs a Python probe of tests/ml in the venv with the job scripts importable (as a job runs them)
 * and returns the JSON object of its last stdout line; its stderr goes to the test's output.
 */
export function runMlProbe(env: MlEnv, script: string, args: string[] = []): Record<string, unknown> {
  const out = execFileSync(env.python, [join(repoRoot, "tests", "ml", script), ...args], {
    cwd: jobScriptsDir,
    env: { ...process.env, ...ML_JOB_ENV, PYTHONPATH: jobScriptsDir },
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  return JSON.parse(out.trim().split("\n").at(-1) ?? "");
}
