// Runs the CLI's program in this process: the same argv parsing, commands and client as the `ow`
// binary, without a Node start per command. Spawning tsx per command took 5 s idle and over 30 s
// on a loaded 2-core machine (CI timeouts); subprocess runs stay for what needs a process
// (signals, the installed binary).
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/cli/program.ts";
import type { CliResult } from "./http-double.ts";

class Capture extends PassThrough {
  text = "";
  isTTY?: boolean;
  constructor(tty: boolean) {
    super();
    if (tty) this.isTTY = true;
    this.on("data", (d: Buffer) => {
      this.text += d.toString();
    });
  }
}

export async function runCliInProcess(
  args: string[],
  options: { env?: Record<string, string | undefined>; input?: string; cwd?: string; tty?: boolean } = {},
): Promise<CliResult> {
  const env = { NO_COLOR: "1", ...options.env };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const savedCwd = process.cwd();
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  if (options.cwd) process.chdir(options.cwd);
  const stdout = new Capture(options.tty === true);
  const stderr = new Capture(options.tty === true);
  const stdin: Readable & { isTTY?: boolean } = Readable.from(
    options.input ? [Buffer.from(options.input)] : [],
  );
  if (options.tty) stdin.isTTY = true;
  try {
    const code = await main(args, { stdout, stderr, stdin });
    await new Promise((r) => setImmediate(r));
    return { code, stdout: stdout.text, stderr: stderr.text };
  } finally {
    process.chdir(savedCwd);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
