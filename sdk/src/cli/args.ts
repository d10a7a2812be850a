/**
 * A small argv parser with errors that name the flag: `--flag value`, `--flag=value`, `-f value`,
 * booleans, repeatables, `--no-<flag>` for booleans, and `--` to end the flags.
 */
export class UsageError extends Error {
  override name = "UsageError";
}

export interface FlagSpec {
  type: "string" | "boolean" | "int";
  short?: string;
  multiple?: boolean;
  choices?: readonly string[];
  min?: number;
  description?: string;
  placeholder?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;
export type FlagValue = string | boolean | number | string[] | number[] | undefined;

export interface Parsed {
  flags: Record<string, FlagValue>;
  positionals: string[];
}

export const GLOBAL_FLAGS: FlagSpecs = {
  help: { type: "boolean", short: "h", description: "show help" },
  json: { type: "boolean", description: "print JSON" },
  org: {
    type: "string",
    placeholder: "id|name",
    description: "act for this stored organization (default: `ow org switch`'s, or OPENWEIGHTS_ORG)",
  },
};

function convert(name: string, spec: FlagSpec, raw: string): string | number {
  if (spec.type === "int") {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value))
      throw new UsageError(`--${name} must be an integer, got "${raw}"`);
    if (spec.min !== undefined && value < spec.min)
      throw new UsageError(`--${name} must be at least ${spec.min}`);
    return value;
  }
  if (spec.choices && !spec.choices.includes(raw)) {
    throw new UsageError(`--${name} must be one of ${spec.choices.join(", ")}, got "${raw}"`);
  }
  return raw;
}

/**
 * `stopAtPositional`: everything from the first positional on is left unparsed (for `exec`,
 * whose command has flags of its own).
 */
export function parseArgs(argv: string[], specs: FlagSpecs, stopAtPositional = false): Parsed {
  const all: FlagSpecs = { ...GLOBAL_FLAGS, ...specs };
  const byShort = new Map(Object.entries(all).flatMap(([n, s]) => (s.short ? [[s.short, n] as const] : [])));
  const flags: Record<string, FlagValue> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      if (stopAtPositional) {
        positionals.push(...argv.slice(i));
        break;
      }
      positionals.push(arg);
      continue;
    }
    const long = arg.startsWith("--");
    const [key, inline] = long ? splitOnce(arg.slice(2)) : [arg.slice(1), undefined];
    const negated = long && key.startsWith("no-") && all[key.slice(3)]?.type === "boolean";
    const name = long ? (negated ? key.slice(3) : key) : byShort.get(key);
    const spec = name === undefined ? undefined : all[name];
    if (name === undefined || spec === undefined) throw new UsageError(`unknown flag ${arg.split("=")[0]}`);
    if (spec.type === "boolean") {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags[name] = !negated;
      continue;
    }
    const raw = inline ?? argv[++i];
    if (raw === undefined) throw new UsageError(`--${name} needs a value`);
    const value = convert(name, spec, raw);
    if (spec.multiple)
      flags[name] = [...((flags[name] as (string | number)[] | undefined) ?? []), value] as FlagValue;
    else flags[name] = value;
  }
  return { flags, positionals };
}

function splitOnce(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at === -1 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export function flagsHelp(specs: FlagSpecs): string {
  return Object.entries({ ...specs, ...GLOBAL_FLAGS })
    .map(([name, s]) => {
      const value = s.type === "boolean" ? "" : ` <${s.placeholder ?? (s.type === "int" ? "n" : "value")}>`;
      const left = `${s.short ? `-${s.short}, ` : "    "}--${name}${value}`;
      return `  ${left.padEnd(30)} ${s.description ?? ""}${s.multiple ? " (repeatable)" : ""}`;
    })
    .join("\n");
}
