import { Member } from "../../_shared/contract/auth.ts";
import { AccessRoutes, MemberRoleChange } from "../../_shared/contract/routes/index.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { answer } from "../../_shared/http/define-route.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";

const asMember = rowMapper(Member);
const asRoleChange = rowMapper(MemberRoleChange);

/**
 * Organization members (Supabase Auth users). Adding someone requires that they signed up; the
 * answer for an unknown email is the same as for a known one that cannot be added, so admins
 * cannot probe which emails are registered (the original told them).
 */
export function memberRoutes(deps: ApiDeps) {
  return [
    route(AccessRoutes.listMembers, async ({ c }) => {
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        // auth.users is not readable by `authenticated`; this definer function returns the emails of
        // the caller's own organization only.
        return tx`select user_id, email, role, created_at from internal.organization_members_with_email(${org})`;
      });
      return { object: "list" as const, data: rows.map(asMember), next_cursor: null };
    }),

    route(AccessRoutes.addMember, async ({ c, body }) => {
      const row = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        // auth.users is not readable by callers; look the user up with the service role's eyes.
        const [user] =
          await deps.sql`select id, email from auth.users where lower(email) = lower(${body.email})`;
        if (!user)
          throw new ApiError(
            400,
            "invalid_request",
            "no account can be added with that email; ask them to sign up first",
            [{ path: "email", message: "cannot be added" }],
          );
        const [m] = await tx`insert into public.organization_members (organization_id, user_id, role)
          values (${org}, ${user.id}, ${body.role}) on conflict do nothing returning user_id, role, created_at`;
        if (!m) throw new ApiError(409, "conflict", "already a member");
        return asMember({ ...m, email: user.email });
      });
      return answer(201, row);
    }),

    route(AccessRoutes.updateMember, async ({ c, params, body }) => {
      const row = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        const [m] = await tx`update public.organization_members set role = ${body.role}
          where organization_id = ${org} and user_id = ${params.user_id} returning user_id, role, created_at`;
        return m;
      });
      if (!row) throw notFound("member");
      return asRoleChange(row);
    }),

    route(AccessRoutes.removeMember, async ({ c, params }) => {
      const deleted = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        return tx`delete from public.organization_members where organization_id = ${org} and user_id = ${params.user_id} returning user_id`;
      });
      if (deleted.length === 0) throw notFound("member");
      return { deleted: true as const };
    }),
  ];
}
