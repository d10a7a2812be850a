/** Organization secrets (admin). Values go in, only names come out. */
import { Secret } from "@contract";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Secret };

export class Secrets extends APIResource {
  list(options: CallOptions = {}): PagePromise<Secret> {
    return this.listOf("/api/secrets", Secret, {}, options);
  }

  /**
   * Sets a secret's value. `memberUsable: true` lets members declare it in their jobs (admins
   * always may); omitted, a new secret is admin-only and an existing one keeps its setting.
   */
  async set(
    name: string,
    value: string,
    options: CallOptions & { memberUsable?: boolean } = {},
  ): Promise<Secret> {
    const { memberUsable, ...call } = options;
    const body = await this.core.http.json<unknown>({
      ...call,
      method: "PUT",
      path: `/api/secrets/${pathPart(name)}`,
      body: memberUsable === undefined ? { value } : { value, member_usable: memberUsable },
    });
    return parseTolerant(Secret, body);
  }

  delete(name: string, options: CallOptions = {}): Promise<{ deleted: boolean }> {
    return this.core.http.json({ ...options, method: "DELETE", path: `/api/secrets/${pathPart(name)}` });
  }
}
