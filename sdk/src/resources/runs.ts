/** Runs: the attempts at a job, oldest first. */
import { Run } from "@contract";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Run };

export class Runs extends APIResource {
  async list(jobId: string, options: CallOptions = {}): Promise<Run[]> {
    const body = await this.core.http.json<{ data?: unknown[] }>({
      ...options,
      method: "GET",
      path: `/api/jobs/${pathPart(jobId)}/runs`,
    });
    return (body.data ?? []).map((r) => parseTolerant(Run, r));
  }
}
