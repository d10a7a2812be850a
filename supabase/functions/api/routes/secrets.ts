import { Hono } from "hono";
import { PutSecretRequest } from "../../_shared/contract/auth.ts";
import { SecretName } from "../../_shared/contract/common.ts";
import { toWire } from "../../_shared/db/session.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { parseWith, readJson } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";

/** Organization secrets: write-only values, encrypted before they reach the database. */
export function secretRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/secrets", async (c) => {
    const rows = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      return tx`select name, member_usable, created_at, updated_at from public.organization_secrets where organization_id = ${org} order by name`;
    });
    return c.json({ object: "list", data: rows.map((r) => toWire(r)), next_cursor: null });
  });

  app.put("/secrets/:name", async (c) => {
    const name = parseWith(SecretName, c.req.param("name"), "secret name");
    const { value, member_usable } = parseWith(PutSecretRequest, await readJson(c, 200_000), "body");
    const usable = member_usable ?? null;
    const row = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      const sealed = await deps.secrets.seal(org, name, value);
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
      const r = inserted ?? (await update())[0];
      return r;
    });
    return c.json(toWire(row!));
  });

  app.delete("/secrets/:name", async (c) => {
    const name = parseWith(SecretName, c.req.param("name"), "secret name");
    const deleted = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      return tx`delete from public.organization_secrets where organization_id = ${org} and name = ${name} returning name`;
    });
    if (deleted.length === 0) throw notFound("secret");
    return c.json({ deleted: true });
  });

  return app;
}
