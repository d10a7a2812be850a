/** What every command gets: the parsed flags, a client built from env or stored credentials, output helpers. */
import { OpenWeights } from "../node/index.ts";
import { UsageError } from "./args.ts";
import { findStoredOrganization, readCredentials } from "./credentials.ts";

export class AuthMissingError extends Error {
  override name = "AuthMissingError";
}

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
}

let selectedOrg: string | undefined;
let waitingOn: { jobId: string; client: OpenWeights } | undefined;

/** Marks (or clears) the job this command submitted and now waits on, for Ctrl-C. */
export function waitingOnJob(job: { jobId: string; client: OpenWeights } | undefined): void {
  waitingOn = job;
}

/**
 * On Ctrl-C: a job the command submitted keeps its place in the queue (and, on RunPod, would
 * later rent a GPU), so say how to cancel it, or at a terminal offer to cancel it now.
 */
export async function onInterrupt(io: Io): Promise<void> {
  if (!waitingOn) return;
  const { jobId, client } = waitingOn;
  waitingOn = undefined;
  if (!io.stdin.isTTY) {
    io.stderr.write(
      `\ninterrupted: job ${jobId} is still queued or running; cancel it with: ow cancel ${jobId}\n`,
    );
    return;
  }
  const { createInterface } = await import("node:readline/promises");
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    const answer = await rl.question(`\nCancel job ${jobId}? It keeps running otherwise. [y/N] `);
    if (/^y(es)?$/i.test(answer.trim())) {
      await client.jobs.cancel(jobId);
      io.stderr.write(`canceled ${jobId}\n`);
    } else io.stderr.write(`left ${jobId} running; \`ow cancel ${jobId}\` cancels it\n`);
  } finally {
    rl.close();
  }
}

/** `--org` for this command (the program sets it before running one). */
export function selectOrganization(ref: string | undefined): void {
  selectedOrg = ref;
}

/**
 * A client for the chosen organization: `--org` or OPENWEIGHTS_ORG pick a stored token; else
 * OPENWEIGHTS_API_KEY, else the stored default.
 */
export function makeClient(): OpenWeights {
  const stored = readCredentials();
  const ref = selectedOrg ?? (process.env.OPENWEIGHTS_ORG || undefined);
  if (ref !== undefined) {
    const found = findStoredOrganization(ref);
    if ("error" in found) throw new UsageError(found.error);
    return new OpenWeights({
      apiKey: found.org.api_key,
      baseURL: found.org.base_url || process.env.OPENWEIGHTS_API_URL || stored?.base_url,
    });
  }
  const apiKey = process.env.OPENWEIGHTS_API_KEY || stored?.api_key;
  if (!apiKey) throw new AuthMissingError("not logged in: run `ow login` or set OPENWEIGHTS_API_KEY");
  return new OpenWeights({ apiKey, baseURL: process.env.OPENWEIGHTS_API_URL || stored?.base_url });
}

export function printJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Left-aligned columns; the last column is not padded. `style` colours a cell after padding. */
export function printTable(
  io: Io,
  headers: string[],
  rows: string[][],
  style?: (cell: string, column: number) => string,
): void {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[], styled: boolean) =>
    cells
      .map((c, i) => {
        const padded = i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0);
        return styled && style ? style(padded, i) : padded;
      })
      .join("  ")
      .trimEnd();
  io.stdout.write(`${[line(headers, false), ...rows.map((r) => line(r, true))].join("\n")}\n`);
}

export async function readAllStdin(io: Io): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}

export async function collect<T>(items: AsyncIterable<T>, limit: number): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    if (out.length >= limit) break;
    out.push(item);
  }
  return out;
}

export function formatBytes(n: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}
