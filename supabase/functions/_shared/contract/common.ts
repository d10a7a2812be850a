import { z } from "zod";

/**
 * A closed list in answers that a client must still tolerate growing: the values we send today
 * (documented in the OpenAPI document as the first choice, checked by the strict response tests),
 * or any string (an old SDK must survive a new status).
 */
export function openEnum<E extends z.ZodEnum>(known: E) {
  return z.union([known, z.string()]);
}

/** Timestamps travel as ISO-8601 strings. */
export const Timestamp = z.string();

export const Uuid = z.uuid();

/** `{type}-{12 hex}` with an optional `-{suffix}`. */
export const JobId = z
  .string()
  .max(120)
  .regex(
    /^[a-z][a-z0-9_-]{0,39}-[0-9a-f]{12}(-[A-Za-z0-9_.-]{1,60})?$/,
    "must look like `{type}-{12 hex}[-suffix]`",
  );

/** `{purpose}:file-{12 hex}`. */
export const FileId = z
  .string()
  .max(80)
  .regex(/^[a-z_]{1,32}:file-[0-9a-f]{12}$/, "must look like `{purpose}:file-{12 hex}`");

/** Cursor pages: `next_cursor` is opaque; null when there is nothing more. */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({ object: z.literal("list"), data: z.array(item), next_cursor: z.string().nullable() });
}
export interface PageOf<T> {
  object: "list";
  data: T[];
  next_cursor: string | null;
}

export const Limit = z.coerce.number().int().min(1).max(1000).default(50);
export const Cursor = z.string().max(200).optional();

/** Secret names are environment variable names. */
export const SecretName = z
  .string()
  .regex(/^[A-Z_][A-Z0-9_]{0,127}$/, "must be an environment variable name (A-Z, 0-9, _)");
