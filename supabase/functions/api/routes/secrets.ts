// Organization secrets: write-only values, encrypted before they reach the database.
import { Secret } from "../../_shared/contract/auth.ts";
import { AccessRoutes } from "../../_shared/contract/routes/index.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";

const asSecret = rowMapper(Secret);

export function secretRoutes(deps: ApiDeps) {
  return [
    route(AccessRoutes.listSecrets, async ({ c }) => {
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        return tx`select name, member_usable, created_at, updated_at from public.organization_secrets where organization_id = ${org} order by name`;
      });
      return { object: "list" as const, data: rows.map(asSecret), next_cursor: null };
    }),

    route(AccessRoutes.putSecret, async ({ c, params, body }) => {
      const { name } = params;
      const usable = body.member_usable ?? null;
      const row = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        const sealed = await deps.secrets.seal(org, name, body.value);
        // No upsert: ON CONFLICT DO UPDATE would need SELECT on encrypted_value, which callers never get.
        const update = () => tx`update public.organization_secrets set encrypted_value = ${sealed},
            member_usable = coalesce(${usable}::boolean, member_usable)
          where organization_id = ${org} and name = ${name} returning name, member_usable, created_at, updated_at`;
        const [updated] = await update();
        if (updated) return updated;
        const [inserted] =
          await tx`insert into public.organization_secrets (organization_id, name, encrypted_value, member_usable)
          values (${org}, ${name}, ${sealed}, coalesce(${usable}::boolean, false)) on conflict do nothing
          returning name, member_usable, created_at, updated_at`;
        return inserted ?? (await update())[0];
      });
      if (!row) throw notFound("secret");
      return asSecret(row);
    }),

    route(AccessRoutes.deleteSecret, async ({ c, params }) => {
      const deleted = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        return tx`delete from public.organization_secrets where organization_id = ${org} and name = ${params.name} returning name`;
      });
      if (deleted.length === 0) throw notFound("secret");
      return { deleted: true as const };
    }),
  ];
}
