import { ApiError } from "../http/api-error.ts";
import type { Tx } from "./session.ts";

/** The caller's organization (token's, or a dashboard user's first membership). */
export async function callerOrg(tx: Tx): Promise<string> {
  const [row] = await tx<{ org: string | null }[]>`select internal.caller_org() as org`;
  if (!row?.org) throw new ApiError(403, "forbidden", "this credential belongs to no organization");
  return row.org;
}
