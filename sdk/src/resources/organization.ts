/** Who am I, the organization, and its members. */
import { Me, Member, Organization as OrganizationSchema } from "@contract";
import type { PagePromise } from "../core/pagination.ts";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions, pathPart } from "./resource.ts";

export type { Me, Member };
export type OrganizationInfo = OrganizationSchema;

export class Members extends APIResource {
  list(options: CallOptions = {}): PagePromise<Member> {
    return this.listOf("/api/members", Member, {}, options);
  }

  async add(
    params: { email: string; role?: "admin" | "member" },
    options: CallOptions = {},
  ): Promise<Member> {
    return this.memberCall("POST", "/api/members", params, options);
  }

  async update(
    userId: string,
    params: { role: "admin" | "member" },
    options: CallOptions = {},
  ): Promise<Member> {
    return this.memberCall("PATCH", `/api/members/${pathPart(userId)}`, params, options);
  }

  async remove(userId: string, options: CallOptions = {}): Promise<Member> {
    return this.memberCall("DELETE", `/api/members/${pathPart(userId)}`, undefined, options);
  }

  private async memberCall(
    method: "POST" | "PATCH" | "DELETE",
    path: string,
    body: unknown,
    options: CallOptions,
  ) {
    return parseTolerant(Member, await this.core.http.json<unknown>({ ...options, method, path, body }));
  }
}

export class Organization extends APIResource {
  readonly members = new Members(this.core);

  async me(options: CallOptions = {}): Promise<Me> {
    return parseTolerant(
      Me,
      await this.core.http.json<unknown>({ ...options, method: "GET", path: "/api/me" }),
    );
  }

  async update(params: { name: string }, options: CallOptions = {}): Promise<OrganizationInfo> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "PATCH",
      path: "/api/organization",
      body: params,
    });
    return parseTolerant(OrganizationSchema, body);
  }
}
