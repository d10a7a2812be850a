// Job-side Python scripts: byte-compiled (syntax) and their unittest suites, run by the CPU ML
// venv's interpreter (the pinned stack, scripts/ml/ensure-venv.sh). Locally, without the venv, the
// system python3 runs them (they need only the stdlib); in CI the venv must exist.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { mlVenvPath } from "../../../tests/ml/ml-env.ts";
import { repoRoot } from "../../db/migrate.ts";
import { runCommand, type SuiteResult, unavailable } from "./result.ts";

const scriptsDir = join(repoRoot, "sdk", "job-scripts");

function pythonFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? e.name === "__pycache__"
        ? []
        : pythonFiles(join(dir, e.name))
      : e.name.endsWith(".py")
        ? [join(dir, e.name)]
        : [],
  );
}

/**
 * `ruff check` (ruff.toml) over the repository's Python, with the venv's ruff (requirements/dev.txt).
 * Without the venv (a developer's system python3) it is not run; in CI the venv must have it.
 */
async function runLint(python: string, inCi: boolean): Promise<"passed" | "failed" | "not run"> {
  const ruff = join(dirname(python), "ruff");
  if (!existsSync(ruff)) {
    if (inCi) {
      console.error(`ruff is missing from ${dirname(python)} (sdk/job-scripts/requirements/dev.txt)`);
      return "failed";
    }
    return "not run";
  }
  const result = await runCommand(ruff, ["check", "--output-format", "concise", repoRoot], { cwd: repoRoot });
  return result.code === 0 ? "passed" : "failed";
}

export async function runPython(inCi: boolean): Promise<SuiteResult> {
  console.log("\n== python (py_compile + ruff + unittest)");
  const files = pythonFiles(scriptsDir);
  if (files.length === 0)
    return { name: "python", passed: 0, failed: 0, skipped: 0, note: "no job scripts yet" };
  const venv = mlVenvPath();
  const python = existsSync(join(venv, ".complete")) ? join(venv, "bin", "python") : inCi ? null : "python3";
  if (python === null) return unavailable("python", `the CPU ML venv ${venv}`, inCi);
  const probe = await runCommand(python, ["--version"], { quiet: true });
  if (probe.code !== 0) return unavailable("python", python, inCi);
  const compile = await runCommand(python, ["-m", "py_compile", ...files], { quiet: true });
  const lint = await runLint(python, inCi);
  const unit = await runCommand(
    python,
    ["-m", "unittest", "discover", "-s", scriptsDir, "-p", "test_*.py", "-v"],
    { cwd: scriptsDir, env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" } },
  );
  const ran = Number(/^Ran (\d+) tests?/m.exec(unit.output)?.[1] ?? 0);
  const fail = /^FAILED \((.*)\)/m.exec(unit.output)?.[1] ?? "";
  const count = (key: string) => Number(new RegExp(`${key}=(\\d+)`).exec(fail)?.[1] ?? 0);
  const failed = count("failures") + count("errors") + (unit.code !== 0 && !fail ? 1 : 0);
  const skipped = Number(/skipped=(\d+)/.exec(unit.output)?.[1] ?? 0);
  return {
    name: "python",
    passed: Math.max(0, ran - failed - skipped) + (compile.code === 0 ? 1 : 0) + (lint === "passed" ? 1 : 0),
    failed: failed + (compile.code === 0 ? 0 : 1) + (lint === "failed" ? 1 : 0),
    skipped,
  };
}
