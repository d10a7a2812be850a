import { Hono } from "hono";
import { AddMemberRequest, UpdateMemberRequest } from "../../_shared/contract/auth.ts";
import { Uuid } from "../../_shared/contract/common.ts";
import { toWire } from "../../_shared/db/session.ts";
import { ApiError, notFound } from "../../_shared/http/api-error.ts";
import { parseWith, readJson } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";

/**
 * Organization members (Supabase Auth users). Adding someone requires that they signed up; the
 * answer for an unknown email is the same as for a known one that cannot be added, so admins
 * cannot probe which emails are registered (the original told them).
 */
export function memberRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/members", async (c) => {
    const rows = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      // auth.users is not readable by `authenticated`; this definer function returns the emails of
      // the caller's own organization only.
      return tx`select user_id, email, role, created_at from internal.organization_members_with_email(${org})`;
    });
    return c.json({ object: "list", data: rows.map((r) => toWire(r)), next_cursor: null });
  });

  app.post("/members", async (c) => {
    const body = parseWith(AddMemberRequest, await readJson(c), "body");
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
      return { ...m, email: user.email };
    });
    return c.json(toWire(row), 201);
  });

  app.patch("/members/:user_id", async (c) => {
    const userId = parseWith(Uuid, c.req.param("user_id"), "user_id");
    const { role } = parseWith(UpdateMemberRequest, await readJson(c), "body");
    const row = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      const [m] = await tx`update public.organization_members set role = ${role}
        where organization_id = ${org} and user_id = ${userId} returning user_id, role, created_at`;
      return m;
    });
    if (!row) throw notFound("member");
    return c.json(toWire(row));
  });

  app.delete("/members/:user_id", async (c) => {
    const userId = parseWith(Uuid, c.req.param("user_id"), "user_id");
    const deleted = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      return tx`delete from public.organization_members where organization_id = ${org} and user_id = ${userId} returning user_id`;
    });
    if (deleted.length === 0) throw notFound("member");
    return c.json({ deleted: true });
  });

  return app;
}
