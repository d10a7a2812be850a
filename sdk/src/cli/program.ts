/**
 * `ow` — exit codes: 0 ok, 1 job failed or API error, 2 usage error, 3 authentication error,
 * 130 interrupted. Errors print the server's code, message and request id.
 */
import { APIError, AuthenticationError, PermissionDeniedError, VERSION } from "../node/index.ts";
import { flagsHelp, parseArgs, UsageError } from "./args.ts";
import { type Command, EXIT } from "./command.ts";
import { COMMANDS } from "./commands/index.ts";
import { AuthMissingError, type Io, selectOrganization } from "./context.ts";

function findCommand(argv: string[]): { command: Command; rest: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.path.every((word, i) => argv[i] === word));
  const best = matches.sort((a, b) => b.path.length - a.path.length)[0];
  return best ? { command: best, rest: argv.slice(best.path.length) } : undefined;
}

/** Edit distance between two short strings (command words). */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++)
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** The visible command closest to what was typed, if it is close enough to be a typo. */
function closestCommand(argv: string[]): string | undefined {
  let best: { path: string; d: number } | undefined;
  for (const c of COMMANDS) {
    if (c.hidden) continue;
    const path = c.path.join(" ");
    const d = distance(argv.slice(0, c.path.length).join(" "), path);
    if (!best || d < best.d) best = { path, d };
  }
  return best && best.d <= Math.max(1, Math.floor(best.path.length / 3)) ? best.path : undefined;
}

function overview(): string {
  const lines = COMMANDS.filter((c) => !c.hidden).map(
    (c) => `  ow ${[...c.path, c.args ?? ""].join(" ").trim().padEnd(34)} ${c.summary}`,
  );
  return `ow ${VERSION} — the OpenWeights CLI\n\nUsage:\n${lines.join("\n")}\n\nEvery command takes --help; listings take --json.\n`;
}

function commandHelp(command: Command): string {
  const usage = `ow ${[...command.path, "[flags]", command.args ?? ""].join(" ").trim()}`;
  return `${command.summary}\n\nUsage: ${usage}\n\nFlags:\n${flagsHelp(command.flags)}\n`;
}

function describeError(error: unknown): string {
  if (error instanceof APIError) {
    const parts = [`error: ${error.code ?? error.name}: ${error.message}`];
    if (error.requestID) parts.push(`(request id: ${error.requestID})`);
    for (const d of error.details ?? []) parts.push(`\n  ${d.path}: ${d.message}`);
    return parts.join(" ");
  }
  return `error: ${error instanceof Error ? error.message : String(error)}`;
}

export async function main(argv: string[], io: Io): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    io.stdout.write(overview());
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    io.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const found = findCommand(argv);
  if (!found) {
    const guess = closestCommand(argv);
    if (argv.includes("--json")) {
      const message = `unknown command "${argv.slice(0, 2).join(" ")}"`;
      const error = { exit_code: EXIT.usage, code: "usage_error", message, did_you_mean: guess ?? null };
      io.stderr.write(`${JSON.stringify({ error })}\n`);
      return EXIT.usage;
    }
    io.stderr.write(
      `usage error: unknown command "${argv.slice(0, 2).join(" ")}"\n${guess ? `Did you mean \`ow ${guess}\`?\n` : ""}Run \`ow --help\` for the list.\n`,
    );
    return EXIT.usage;
  }
  const { command, rest } = found;
  // Known before parsing, so that even a usage error comes out as JSON for a script.
  let json = !command.passthrough && rest.includes("--json");
  try {
    const parsed = command.passthrough
      ? { flags: {}, positionals: rest }
      : parseArgs(rest, command.flags, command.stopAtPositional);
    json = parsed.flags.json === true; // `ow exec cmd --json` passes --json on to cmd
    if (parsed.flags.help) {
      io.stdout.write(commandHelp(command));
      return EXIT.ok;
    }
    selectOrganization(parsed.flags.org as string | undefined);
    return await command.run(parsed, io);
  } catch (error) {
    const code = exitCodeFor(error);
    if (json) io.stderr.write(`${JSON.stringify({ error: errorJson(error, code) })}\n`);
    else if (code === EXIT.usage)
      io.stderr.write(
        `usage error: ${(error as Error).message}\nRun \`ow ${command.path.join(" ")} --help\` for usage.\n`,
      );
    else io.stderr.write(`${describeError(error)}\n`);
    return code;
  }
}

function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return EXIT.usage;
  if (
    error instanceof AuthMissingError ||
    error instanceof AuthenticationError ||
    error instanceof PermissionDeniedError
  )
    return EXIT.auth;
  return EXIT.failed;
}

/** The error as one JSON object (`--json`): what `describeError` says, as fields. */
function errorJson(error: unknown, exitCode: number): Record<string, unknown> {
  const base = { exit_code: exitCode, message: error instanceof Error ? error.message : String(error) };
  if (error instanceof APIError)
    return {
      ...base,
      code: error.code ?? error.name,
      status: error.status,
      request_id: error.requestID ?? null,
      details: error.details ?? [],
    };
  return {
    ...base,
    code: exitCode === EXIT.usage ? "usage_error" : error instanceof Error ? error.name : "error",
  };
}

export { describeError };
