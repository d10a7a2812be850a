/** The caller's organizations (list, create) and the current one's caps and spend. */
import {
  CreatedOrganization,
  OrganizationLimits,
  OrganizationMembership,
  OrganizationUsage,
  type UpdateLimitsRequest,
} from "@contract";
import { parseTolerant } from "../core/parse.ts";
import { APIResource, type CallOptions } from "./resource.ts";

export type { CreatedOrganization, OrganizationLimits, OrganizationMembership, OrganizationUsage };
export type LimitsUpdate = UpdateLimitsRequest;

export class Organizations extends APIResource {
  /** A token's organization, or every organization a signed-in user belongs to. */
  async list(options: CallOptions = {}): Promise<OrganizationMembership[]> {
    const body = await this.core.http.json<{ data?: unknown[] }>({
      ...options,
      method: "GET",
      path: "/api/organizations",
    });
    return (body.data ?? []).map((o) => parseTolerant(OrganizationMembership, o));
  }

  /** Creates an organization (admins and signed-in users) and returns its first admin token. */
  async create(params: { name: string }, options: CallOptions = {}): Promise<CreatedOrganization> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "POST",
      path: "/api/organizations",
      body: params,
    });
    return parseTolerant(CreatedOrganization, body);
  }
}

/** Worker cap and dollar budgets the scaler keeps; anyone reads them, admins change them. */
export class Limits extends APIResource {
  async retrieve(options: CallOptions = {}): Promise<OrganizationLimits> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "GET",
      path: "/api/organization/limits",
    });
    return parseTolerant(OrganizationLimits, body);
  }

  /** `null` removes a dollar cap. */
  async update(params: LimitsUpdate, options: CallOptions = {}): Promise<OrganizationLimits> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "PATCH",
      path: "/api/organization/limits",
      body: params,
    });
    return parseTolerant(OrganizationLimits, body);
  }
}

export class Usage extends APIResource {
  /** Burn rate, spend in the last hour and today (UTC), and per-job spend since `since`. */
  async retrieve(
    params: { since?: string; job_id?: string } = {},
    options: CallOptions = {},
  ): Promise<OrganizationUsage> {
    const body = await this.core.http.json<unknown>({
      ...options,
      method: "GET",
      path: "/api/organization/usage",
      query: params,
    });
    return parseTolerant(OrganizationUsage, body);
  }
}
