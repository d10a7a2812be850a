// Token exchange, the published keys, who-am-I and renaming the organization.
import { exchangeApiToken, requestSource } from "../../_shared/auth/authenticate.ts";
import { Organization } from "../../_shared/contract/auth.ts";
import type { TokenRole } from "../../_shared/contract/enums.ts";
import { AccessRoutes } from "../../_shared/contract/routes/index.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";

const asOrganization = rowMapper(Organization);

export function authRoutes(deps: ApiDeps) {
  return [
    route(AccessRoutes.exchangeToken, async ({ c, body }) => {
      const t = await exchangeApiToken(deps.sql, body.token, requestSource(c.req.raw.headers));
      // A token that expires sooner than the JWT would must not be outlived by it.
      const untilTokenExpiry = t.expires_at
        ? Math.floor((t.expires_at.getTime() - Date.now()) / 1000)
        : Number.POSITIVE_INFINITY;
      const ttl = Math.max(1, Math.min(deps.config.jwtTtlSeconds, untilTokenExpiry));
      const claims = {
        role: "authenticated",
        organization_id: t.organization_id,
        token_id: t.token_id,
        token_role: t.role,
        ...(t.worker_id ? { worker_id: t.worker_id } : {}),
      };
      const access = await deps.signer.sign(claims, ttl);
      const now = Math.floor(Date.now() / 1000);
      return {
        access_token: access,
        token_type: "bearer" as const,
        expires_in: ttl,
        expires_at: now + ttl,
        organization_id: t.organization_id ?? "",
        role: t.role ?? "member",
      };
    }),

    route(AccessRoutes.jwks, async () => deps.signer.jwks() as Promise<{ keys: Record<string, unknown>[] }>),

    route(AccessRoutes.me, async ({ c }) => {
      const principal = c.get("principal");
      const org = await asCaller(deps, c, async (tx) => {
        const id = await callerOrg(tx);
        // The database's own rule (internal.is_admin: an admin token of the organization, or a
        // signed-in user's admin membership): a Supabase session carries no token_role, so
        // reading the role from the credential called every signed-in admin a member.
        const [row] = await tx`select id, name, created_at, internal.is_admin(id) as is_admin
          from public.organizations where id = ${id}`;
        return row;
      });
      if (!org) throw notFound("organization");
      const role: TokenRole = principal.tokenRole === "worker" ? "worker" : org.is_admin ? "admin" : "member";
      return {
        organization: asOrganization(org),
        token_id: principal.tokenId,
        role,
        user_id: principal.userId,
      };
    }),

    route(AccessRoutes.renameOrganization, async ({ c, body }) => {
      const row = await asCaller(deps, c, async (tx) => {
        const id = await callerOrg(tx);
        await tx`select internal.require_member(${id}, true)`;
        const [updated] =
          await tx`update public.organizations set name = ${body.name} where id = ${id} returning id, name, created_at`;
        return updated;
      });
      if (!row) throw notFound("organization");
      return asOrganization(row);
    }),
  ];
}
