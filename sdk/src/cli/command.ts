import { type FlagSpecs, type Parsed, UsageError } from "./args.ts";
import type { Io } from "./context.ts";

export interface Command {
  /** Words that select it: `["jobs", "ls"]`. */
  path: string[];
  summary: string;
  /** Positional part of the usage line: `<job-id>`. */
  args?: string;
  flags: FlagSpecs;
  stopAtPositional?: boolean;
  /** Hand every argument after the command words to run() untouched. */
  passthrough?: boolean;
  /** Left out of `ow --help` (shell completion's helper). */
  hidden?: boolean;
  run(parsed: Parsed, io: Io): Promise<number>;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, auth: 3, interrupted: 130 } as const;

export function positional(parsed: Parsed, index: number, name: string): string {
  const value = parsed.positionals[index];
  if (value === undefined || value === "") throw new UsageError(`missing <${name}>`);
  return value;
}

export function noExtraPositionals(parsed: Parsed, expected: number): void {
  if (parsed.positionals.length > expected)
    throw new UsageError(`unexpected argument "${parsed.positionals[expected]}"`);
}

export function stringFlag(parsed: Parsed, name: string): string | undefined {
  return parsed.flags[name] as string | undefined;
}

export function intFlag(parsed: Parsed, name: string): number | undefined {
  return parsed.flags[name] as number | undefined;
}

export function requiredFlag(parsed: Parsed, name: string): string {
  const value = stringFlag(parsed, name);
  if (value === undefined || value === "") throw new UsageError(`--${name} is required`);
  return value;
}
