/**
 * Inside a job: read params, emit events, leave result files. Everything goes through the
 * filesystem contract the worker sets up, so a job needs no network access to report:
 *   params.json in the working directory, $OPENWEIGHTS_EVENTS (JSONL to append to),
 *   $OPENWEIGHTS_UPLOADS (default ./uploads; everything left there becomes a result file).
 */
import { appendFileSync, cpSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve, sep } from "node:path";
import type { z } from "zod";
import { OpenWeightsError } from "../index.ts";

export const PARAMS_FILE = "params.json";

function paramsPath(): string {
  return resolve(process.env.OPENWEIGHTS_PARAMS ?? PARAMS_FILE);
}

function uploadsDir(): string {
  return resolve(process.env.OPENWEIGHTS_UPLOADS ?? "uploads");
}

/** The job's params, validated by `schema` when given. */
function params(): Record<string, unknown>;
function params<S extends z.ZodType>(schema: S): z.output<S>;
function params(schema?: z.ZodType): unknown {
  let text: string;
  try {
    text = readFileSync(paramsPath(), "utf8");
  } catch {
    throw new OpenWeightsError(
      `${paramsPath()} not found: run.params() works inside a job's working directory`,
    );
  }
  const value: unknown = JSON.parse(text);
  return schema ? schema.parse(value) : value;
}

/**
 * Appends one event (an object of JSON values) to the run's event file; the worker forwards it.
 * Outside a job (no $OPENWEIGHTS_EVENTS) it goes to ./events.jsonl, like the Python helper.
 */
function log(event: Record<string, unknown>): void {
  appendFileSync(resolve(process.env.OPENWEIGHTS_EVENTS ?? "events.jsonl"), `${JSON.stringify(event)}\n`);
}

/** Copies a file or directory into the uploads directory; returns where it landed. */
function upload(path: string, as?: string): string {
  const source = resolve(path);
  const target = join(uploadsDir(), as ?? basename(source));
  if (!target.startsWith(uploadsDir() + sep))
    throw new OpenWeightsError(`upload target escapes the uploads directory: ${as}`);
  const isDirectory = statSync(source).isDirectory();
  mkdirSync(isDirectory ? target : dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
  return target;
}

export const run = {
  params,
  log,
  upload,
  /** This run's id ($OPENWEIGHTS_RUN_ID), undefined outside a job. */
  get id(): string | undefined {
    return process.env.OPENWEIGHTS_RUN_ID || undefined;
  },
  get jobId(): string | undefined {
    return process.env.OPENWEIGHTS_JOB_ID || undefined;
  },
  /** 1-based attempt number; 1 outside a worker. */
  get attempt(): number {
    return Number(process.env.OPENWEIGHTS_ATTEMPT) || 1;
  },
  get uploadsDir(): string {
    return uploadsDir();
  },
};
