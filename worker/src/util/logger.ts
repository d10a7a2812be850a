// One line per record on stderr: a timestamp, the level, the message and key=value fields.
// stdout stays free for anything a wrapper wants to parse.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Delivers what is buffered (the shipping logger); called before the worker's token is revoked. */
  flush?(): Promise<void>;
}

const ORDER: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

function formatValue(value: unknown): string {
  if (value instanceof Error) return JSON.stringify(value.message);
  if (typeof value === "string") return /^[\w.:/@-]*$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatRecord(
  level: LogLevel,
  message: string,
  fields: LogFields = {},
  now = new Date(),
): string {
  const parts = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${formatValue(v)}`);
  return [now.toISOString(), level.toUpperCase().padEnd(5), message, ...parts].join(" ");
}

export function createStreamLogger(
  minLevel: LogLevel = "info",
  write: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Logger {
  const emit = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (ORDER[level] >= ORDER[minLevel]) write(formatRecord(level, message, fields));
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}

/** Keeps records in memory; tests assert on what the worker said. */
export interface MemoryLogger extends Logger {
  records: { level: LogLevel; message: string; fields: LogFields }[];
}

export function createMemoryLogger(): MemoryLogger {
  const records: MemoryLogger["records"] = [];
  const emit =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}) => {
      records.push({ level, message, fields });
    };
  return { records, debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
