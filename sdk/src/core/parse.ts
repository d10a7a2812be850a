/**
 * Tolerant response parsing: an old SDK must survive a new server. Known fields get their
 * defaults, unknown fields are kept, and a shape we cannot validate (a renamed enum, a field that
 * became nullable) is passed through as-is rather than crashing the caller.
 */
import { z } from "zod";

export function parseTolerant<T>(schema: z.ZodType<T>, data: unknown): T {
  const loose = schema instanceof z.ZodObject ? schema.loose() : schema;
  const result = loose.safeParse(data);
  return (result.success ? result.data : data) as T;
}
