import { Hono } from "hono";
import { exchangeApiToken, requestSource } from "../../_shared/auth/authenticate.ts";
import { TokenExchangeRequest, UpdateOrganizationRequest } from "../../_shared/contract/auth.ts";
import { toWire } from "../../_shared/db/session.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { parseWith, readJson } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg, requireAuth } from "../context.ts";

/** Token exchange and who-am-I. The exchange is the only unauthenticated route. */
export function authRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.post("/auth/token", async (c) => {
    const { token } = parseWith(TokenExchangeRequest, await readJson(c, 4096), "body");
    const t = await exchangeApiToken(deps.sql, token, requestSource(c.req.raw.headers));
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
    return c.json({
      access_token: access,
      token_type: "bearer",
      expires_in: ttl,
      expires_at: now + ttl,
      organization_id: t.organization_id,
      role: t.role,
    });
  });

  app.get("/auth/jwks", async (c) => c.json(await deps.signer.jwks()));

  app.use("/me", requireAuth(deps));
  app.get("/me", async (c) => {
    const principal = c.get("principal");
    const org = await asCaller(deps, c, async (tx) => {
      const id = await callerOrg(tx);
      const [row] = await tx`select id, name, created_at from public.organizations where id = ${id}`;
      return row;
    });
    if (!org) throw notFound("organization");
    return c.json({
      organization: toWire(org),
      token_id: principal.tokenId,
      role: principal.tokenRole ?? "member",
      user_id: principal.userId,
    });
  });

  app.use("/organization", requireAuth(deps));
  app.patch("/organization", async (c) => {
    const { name } = parseWith(UpdateOrganizationRequest, await readJson(c), "body");
    const row = await asCaller(deps, c, async (tx) => {
      const id = await callerOrg(tx);
      await tx`select internal.require_member(${id}, true)`;
      const [updated] =
        await tx`update public.organizations set name = ${name} where id = ${id} returning id, name, created_at`;
      return updated;
    });
    if (!row) throw notFound("organization");
    return c.json(toWire(row));
  });

  return app;
}
