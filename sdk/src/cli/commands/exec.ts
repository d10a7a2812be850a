/**
 * `ow exec [flags] <command…>`: mounts the current directory (minus the ignore list and
 * .owignore) and runs the user's own command as a job with `sh -c`. The command is the job's
 * entrypoint argument, not interpolated into anything else.
 */
import { z } from "zod";
import { type OpenWeights, PermissionDeniedError } from "../../node/index.ts";
import { UsageError } from "../args.ts";
import { type Command, EXIT, intFlag, stringFlag } from "../command.ts";
import { collect, formatBytes, makeClient, printJson, waitingOnJob } from "../context.ts";
import { startSpinner } from "../spinner.ts";
import { DEFAULT_UPLOAD_LIMIT_MB, planUpload, printUploadPlan } from "../upload-plan.ts";
import { streamJobLogs } from "./logs.ts";

export const DEFAULT_EXEC_IMAGE = "python:3.12-slim";

export const exec: Command = {
  path: ["exec"],
  summary: "run a shell command as a job with the current directory mounted",
  args: "<command…>",
  stopAtPositional: true,
  flags: {
    image: { type: "string", description: `container image (default ${DEFAULT_EXEC_IMAGE})` },
    gpu: {
      type: "string",
      placeholder: "type",
      description: "GPU type, e.g. H100 (→ allowed hardware `<n>x <type>`)",
    },
    gpus: { type: "int", min: 1, placeholder: "n", description: "number of GPUs with --gpu (default 1)" },
    vram: { type: "int", min: 0, placeholder: "gb", description: "GPU memory needed in GB (default 24)" },
    hardware: { type: "string", multiple: true, description: "allowed hardware, e.g. `1x A100`" },
    secret: {
      type: "string",
      multiple: true,
      placeholder: "NAME",
      description: "organization secret to expose",
    },
    timeout: { type: "int", min: 10, placeholder: "seconds", description: "job timeout" },
    "max-attempts": {
      type: "int",
      min: 1,
      placeholder: "n",
      description:
        "runs the command may fail before the job fails (default 1; platform failures retry anyway)",
    },
    wait: { type: "boolean", description: "stream logs and exit with the job's status" },
    force: { type: "boolean", description: "rerun even if the same job already completed" },
    "max-upload-mb": {
      type: "int",
      min: 1,
      placeholder: "mb",
      description: `refuse to mount more than this without --yes (default ${DEFAULT_UPLOAD_LIMIT_MB})`,
    },
    yes: { type: "boolean", short: "y", description: "mount the directory even above --max-upload-mb" },
  },
  async run(parsed, io) {
    // One argument is a shell command line (`ow exec "a && b"`); several are argv words
    // (`ow exec -- python3 -c "print(1)"`) and are quoted so the shell sees them unchanged.
    const command = (
      parsed.positionals.length === 1
        ? (parsed.positionals[0] ?? "")
        : parsed.positionals.map(shellQuote).join(" ")
    ).trim();
    if (!command) throw new UsageError("missing <command…>");
    if (parsed.flags.gpus !== undefined && parsed.flags.gpu === undefined)
      throw new UsageError("--gpus needs --gpu");
    const hardware = [...((parsed.flags.hardware as string[] | undefined) ?? [])];
    const gpu = stringFlag(parsed, "gpu");
    if (gpu) hardware.push(`${intFlag(parsed, "gpus") ?? 1}x ${gpu}`);
    const client = makeClient();
    const secrets = parsed.flags.secret as string[] | undefined;
    if (secrets) await checkSecretNames(client, secrets);
    const root = process.cwd();
    const plan = await planUpload(root);
    printUploadPlan(io, root, plan);
    const limitMb = intFlag(parsed, "max-upload-mb") ?? DEFAULT_UPLOAD_LIMIT_MB;
    if (plan.bytes > limitMb * 1024 * 1024 && parsed.flags.yes !== true)
      throw new UsageError(
        `refusing to mount ${formatBytes(plan.bytes)}, more than --max-upload-mb ${limitMb}: list what the job does not need in .owignore, or pass --yes`,
      );
    const family = client.register({
      type: "exec",
      params: z.object({ command: z.string() }),
      image: stringFlag(parsed, "image") ?? DEFAULT_EXEC_IMAGE,
      mount: { ".": root },
      entrypoint: (p) => ["sh", "-c", p.command],
      requiresVramGb: intFlag(parsed, "vram"),
      allowedHardware: hardware.length > 0 ? hardware : undefined,
      secrets,
      timeoutSeconds: intFlag(parsed, "timeout"),
      maxAttempts: intFlag(parsed, "max-attempts"),
    });
    const spinner = startSpinner(io.stderr, "uploading the current directory");
    const job = await family
      .create({ command }, { force: parsed.flags.force === true })
      .finally(() => spinner.stop());
    if (!parsed.flags.wait) {
      if (parsed.flags.json) printJson(io, job);
      else io.stdout.write(`${job.id}\n`);
      return EXIT.ok;
    }
    io.stderr.write(`job ${job.id} (${job.status})\n`);
    const json = parsed.flags.json === true;
    // Ctrl-C from here on says how to cancel the job (a resubmitted, already finished job needs nothing).
    if (job.created || job.reset) waitingOnJob({ jobId: job.id, client });
    const final = (await streamJobLogs(client, job.id, io, { follow: true, json })) ?? job;
    waitingOnJob(undefined);
    io.stderr.write(
      `job ${final.id} ${final.status}${final.failure_message ? `: ${final.failure_message}` : ""}\n`,
    );
    return final.status === "completed" ? EXIT.ok : EXIT.failed;
  },
};

/**
 * A misspelled `--secret` would reach the job as a missing variable, hours into a run: refuse
 * names the organization does not have, listing the ones it has. Only admins may list secrets;
 * for a member the server checks the names at submission (only member-usable ones pass).
 */
async function checkSecretNames(client: OpenWeights, names: string[]): Promise<void> {
  let existing: string[];
  try {
    existing = (await collect(client.secrets.list(), 10_000)).map((s) => s.name);
  } catch (error) {
    if (error instanceof PermissionDeniedError) return;
    throw error;
  }
  const unknown = names.filter((n) => !existing.includes(n));
  if (unknown.length > 0)
    throw new UsageError(
      `--secret: unknown ${unknown.join(", ")}; this organization has ${existing.length > 0 ? existing.join(", ") : "no secrets"} (add one with \`ow secrets set NAME\`)`,
    );
}

/** POSIX single-quoting, except for words that need none. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'"'"'`)}'`;
}
