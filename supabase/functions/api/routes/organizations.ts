import { Hono } from "hono";
import {
  CreateOrganizationRequest,
  UpdateLimitsRequest,
  UsageQuery,
} from "../../_shared/contract/organizations.ts";
import { toWire } from "../../_shared/db/session.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { parseWith, queryObject, readJson } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";

const LIMIT_COLUMNS =
  "max_workers, max_hourly_usd::float8, max_daily_usd::float8, provisioning_paused_until, updated_at";

/**
 * The caller's organizations, creating one, and the current organization's caps and spend.
 * Every query runs as the caller: RLS lets members read limits and usage, admins change limits
 * (the scaler enforces them); creating goes through a definer function that checks the caller.
 */
export function organizationRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/organizations", async (c) => {
    const principal = c.get("principal");
    const rows = await asCaller(deps, c, async (tx) => {
      const current = await callerOrg(tx);
      // A token acts for one organization; a signed-in user for each of their memberships.
      return principal.userId && !principal.tokenId
        ? tx`select o.id, o.name, o.created_at, m.role::text as role from public.organizations o
            join public.organization_members m on m.organization_id = o.id and m.user_id = ${principal.userId}
            order by o.created_at, o.id`
        : tx`select id, name, created_at, ${principal.tokenRole ?? "member"}::text as role
            from public.organizations where id = ${current}`;
    });
    return c.json({ object: "list", data: rows.map((r) => toWire(r)), next_cursor: null });
  });

  app.post("/organizations", async (c) => {
    const { name } = parseWith(CreateOrganizationRequest, await readJson(c), "body");
    const [row] = await asCaller(
      deps,
      c,
      (tx) => tx`select * from public.create_organization_with_token(${name})`,
    );
    if (!row) throw new ApiError(500, "internal_error", "the organization was not created");
    return c.json(
      {
        organization: toWire({ id: row.organization_id, name: row.name, created_at: row.created_at }),
        token: { id: row.token_id, token: row.token },
      },
      201,
    );
  });

  app.get("/organization/limits", async (c) => {
    const row = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org})`;
      const [limits] = await tx.unsafe(
        `select ${LIMIT_COLUMNS} from public.organization_limits where organization_id = $1`,
        [org],
      );
      return limits;
    });
    if (!row) throw new ApiError(404, "not_found", "organization limits not found");
    return c.json(toWire(row));
  });

  app.patch("/organization/limits", async (c) => {
    const body = parseWith(UpdateLimitsRequest, await readJson(c), "body");
    const row = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      const [limits] = await tx`update public.organization_limits set ${tx(body)}
        where organization_id = ${org} returning max_workers`;
      if (!limits) return undefined;
      const [full] = await tx.unsafe(
        `select ${LIMIT_COLUMNS} from public.organization_limits where organization_id = $1`,
        [org],
      );
      return full;
    });
    if (!row) throw new ApiError(404, "not_found", "organization limits not found");
    return c.json(toWire(row));
  });

  app.get("/organization/usage", async (c) => {
    const q = parseWith(UsageQuery, queryObject(c), "query");
    const usage = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      const [row] = await tx`select internal.organization_usage(${org},
        coalesce(${q.since ?? null}::timestamptz, date_trunc('day', now(), 'UTC')), ${q.job_id ?? null}) as u`;
      return row?.u as Record<string, unknown> | undefined;
    });
    if (!usage) throw new ApiError(404, "not_found", "organization not found");
    return c.json(usage);
  });

  return app;
}
