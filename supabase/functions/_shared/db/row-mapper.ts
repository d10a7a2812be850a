// Database rows as contract types. A row from postgres.js is untyped (`Record<string, unknown>`);
// a mapper turns it into the contract's output type by the contract's own schema: timestamps
// become ISO strings, int8 values numbers, columns the contract does not name are dropped, and a
// row that does not fit (a NULL where the contract says string) throws — a loud 500 with the
// request id, never a malformed answer.
import type { z } from "zod";

export type Row = Record<string, unknown>;

/** Dates and bigints as they travel, at any depth (a row may nest values it built itself). */
function wireValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(wireValue);
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wireValue(v)]));
  return value;
}

export function rowMapper<S extends z.ZodType>(schema: S): (row: Row) => z.output<S> {
  return (row) => schema.parse(wireValue(row));
}
