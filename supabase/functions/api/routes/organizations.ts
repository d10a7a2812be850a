import {
  CreatedOrganization,
  OrganizationLimits,
  OrganizationMembership,
  OrganizationUsage,
} from "../../_shared/contract/organizations.ts";
import { AccessRoutes } from "../../_shared/contract/routes/index.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import { ApiError } from "../../_shared/http/api-error.ts";
import { answer } from "../../_shared/http/define-route.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";

const LIMIT_COLUMNS =
  "max_workers, max_hourly_usd::float8, max_daily_usd::float8, provisioning_paused_until, updated_at";
const asLimits = rowMapper(OrganizationLimits);
const asMembership = rowMapper(OrganizationMembership);
const asCreated = rowMapper(CreatedOrganization);

/**
 * The caller's organizations, creating one, and the current organization's caps and spend.
 * Every query runs as the caller: RLS lets members read limits and usage, admins change limits
 * (the scaler enforces them); creating goes through a definer function that checks the caller.
 */
export function organizationRoutes(deps: ApiDeps) {
  return [
    route(AccessRoutes.listOrganizations, async ({ c }) => {
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
      return { object: "list" as const, data: rows.map(asMembership), next_cursor: null };
    }),

    route(AccessRoutes.createOrganization, async ({ c, body }) => {
      const [row] = await asCaller(
        deps,
        c,
        (tx) => tx`select * from public.create_organization_with_token(${body.name})`,
      );
      if (!row) throw new ApiError(500, "internal_error", "the organization was not created");
      return answer(
        201,
        asCreated({
          organization: { id: row.organization_id, name: row.name, created_at: row.created_at },
          token: { id: row.token_id, token: row.token },
        }),
      );
    }),

    route(AccessRoutes.limits, async ({ c }) => {
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
      return asLimits(row);
    }),

    route(AccessRoutes.updateLimits, async ({ c, body }) => {
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
      return asLimits(row);
    }),

    route(AccessRoutes.usage, async ({ c, query: q }) => {
      const usage = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        const [row] = await tx`select internal.organization_usage(${org},
        coalesce(${q.since ?? null}::timestamptz, date_trunc('day', now(), 'UTC')), ${q.job_id ?? null}) as u`;
        return row?.u;
      });
      if (!usage) throw new ApiError(404, "not_found", "organization not found");
      return OrganizationUsage.parse(usage);
    }),
  ];
}
