import { spawn } from "node:child_process";

export interface SuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  note?: string;
}

export interface Captured {
  code: number;
  output: string;
}

/** Runs a command, echoing its output live while keeping a copy to parse. */
export function runCommand(
  cmd: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean } = {},
): Promise<Captured> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!options.quiet) process.stdout.write(chunk);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("error", (error) => resolve({ code: 127, output: `${output}${String(error)}` }));
    child.on("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** A suite that could not run: skipped locally, failed in CI. */
export function unavailable(name: string, why: string, inCi: boolean): SuiteResult {
  return inCi
    ? { name, passed: 0, failed: 1, skipped: 0, note: `missing: ${why}` }
    : { name, passed: 0, failed: 0, skipped: 1, note: `skipped: ${why}` };
}
