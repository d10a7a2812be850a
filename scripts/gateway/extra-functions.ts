// Functions that join the gateway when configured: `scale` needs OW_SCALE_SECRET (and its
// provider settings); without it the gateway serves api and worker-api only.
import type { FunctionEnv } from "../../supabase/functions/_shared/config/env.ts";
import { makeApp as makeScale } from "../../supabase/functions/scale/app.ts";
import { scaleDepsFromEnv } from "../../supabase/functions/scale/deps.ts";
import { parseScaleEnv } from "../../supabase/functions/scale/env.ts";

export type Handler = (request: Request) => Response | Promise<Response>;

export interface ExtraFunctions {
  handlers: Record<string, Handler>;
  closers: (() => Promise<unknown>)[];
}

export async function extraFunctions(
  env: FunctionEnv,
  raw: Record<string, string>,
  log: (line: string) => void,
): Promise<ExtraFunctions> {
  if (!raw.OW_SCALE_SECRET) return { handlers: {}, closers: [] };
  const deps = await scaleDepsFromEnv(env, parseScaleEnv(raw), log);
  return { handlers: { scale: makeScale(deps).fetch }, closers: [() => deps.sql.end({ timeout: 2 })] };
}
