// Job-side Python scripts: byte-compiled (syntax) and their unittest suites, run by the CPU ML
// venv's interpreter (the pinned stack, scripts/ml/ensure-venv.sh). Locally, without the venv, the
// system python3 runs them (they need only the stdlib); in CI the venv must exist.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
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

export async function runPython(inCi: boolean): Promise<SuiteResult> {
  console.log("\n== python (py_compile + unittest)");
  const files = pythonFiles(scriptsDir);
  if (files.length === 0)
    return { name: "python", passed: 0, failed: 0, skipped: 0, note: "no job scripts yet" };
  const venv = mlVenvPath();
  const python = existsSync(join(venv, ".complete")) ? join(venv, "bin", "python") : inCi ? null : "python3";
  if (python === null) return unavailable("python", `the CPU ML venv ${venv}`, inCi);
  const probe = await runCommand(python, ["--version"], { quiet: true });
  if (probe.code !== 0) return unavailable("python", python, inCi);
  const compile = await runCommand(python, ["-m", "py_compile", ...files], { quiet: true });
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
    passed: Math.max(0, ran - failed - skipped) + (compile.code === 0 ? 1 : 0),
    failed: failed + (compile.code === 0 ? 0 : 1),
    skipped,
  };
}
