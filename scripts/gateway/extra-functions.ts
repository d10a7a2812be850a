// Functions that join the gateway as they are written (scale, openai). Kept apart so the gateway's
// core stays small.
import type { FunctionEnv } from "../../supabase/functions/_shared/config/env.ts";

export type Handler = (request: Request) => Response | Promise<Response>;

export function extraFunctions(
  _env: FunctionEnv,
  _raw: Record<string, string>,
  _log: (line: string) => void,
): Promise<Record<string, Handler>> {
  return Promise.resolve({});
}
