/**
 * How the openai function reads a request the way OpenAI's clients send it: a malformed field is a
 * 400 whose `param` names it (the client surfaces `param`), and query strings use the client's
 * bracket encoding. mountRoutes (the shared one) calls these for every declared route.
 */
import type { z } from "zod";
import { ApiError } from "../_shared/http/api-error.ts";
import { zodDetails } from "../_shared/http/base-app.ts";

/** Parses a value; a failure is a 400 whose `param` is the first offending field. */
export function parseParam<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodDetails(result.error).map((d, i) => {
    // An unknown key is named by the key itself, so OpenAI's `param` points at it.
    const issue = result.error.issues[i];
    if (issue?.code !== "unrecognized_keys" || !issue.keys[0]) return d;
    return { ...d, path: [...issue.path.map(String), issue.keys[0]].join(".") };
  });
  const text = details.map((d) => (d.path === "(body)" ? d.message : `${d.path}: ${d.message}`)).join("; ");
  throw new ApiError(400, "invalid_request", `invalid ${what}: ${text}`, details);
}

/**
 * Query parameters as OpenAI's client encodes them: `metadata[team]=x` becomes
 * `{ metadata: { team: "x" } }`; a repeated plain key is an error rather than a silent pick.
 */
export function openAIQuery(url: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const params = new URL(url).searchParams;
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    if (values.length > 1)
      throw new ApiError(400, "invalid_request", `query parameter ${key} given more than once`, [
        { path: key, message: "repeated" },
      ]);
    const nested = /^([a-z_]+)\[([^\]]*)\]$/.exec(key);
    if (nested?.[1] && nested[2] !== undefined) {
      const group = out[nested[1]] ?? {};
      if (typeof group !== "object") throw badQuery(nested[1]);
      (group as Record<string, unknown>)[nested[2]] = values[0];
      out[nested[1]] = group;
    } else {
      if (typeof out[key] === "object") throw badQuery(key);
      out[key] = values[0];
    }
  }
  return out;
}

function badQuery(key: string) {
  return new ApiError(400, "invalid_request", `query parameter ${key} is given both plain and bracketed`, [
    { path: key, message: "mixed forms" },
  ]);
}
