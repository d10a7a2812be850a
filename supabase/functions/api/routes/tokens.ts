import { Hono } from "hono";
import { CreateTokenRequest } from "../../_shared/contract/auth.ts";
import { Uuid } from "../../_shared/contract/common.ts";
import { type Tx, toWire } from "../../_shared/db/session.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { parseWith, readJson } from "../../_shared/http/base-app.ts";
import { type ApiDeps, type ApiEnv, asCaller, callerOrg } from "../context.ts";

const TOKEN_COLUMNS =
  "id, organization_id, name, prefix, role, worker_id, created_at, expires_at, revoked_at, last_used_at";

async function tokenRow(tx: Tx, id: string) {
  const [row] = await tx.unsafe(`select ${TOKEN_COLUMNS} from public.api_tokens where id = $1`, [id]);
  return row;
}

/** Token management (admins). A token never mints one with more rights or a later expiry (SQL enforces). */
export function tokenRoutes(deps: ApiDeps) {
  const app = new Hono<ApiEnv>();

  app.get("/tokens", async (c) => {
    const rows = await asCaller(deps, c, async (tx) => {
      const org = await callerOrg(tx);
      await tx`select internal.require_member(${org}, true)`;
      return tx.unsafe(
        `select ${TOKEN_COLUMNS} from public.api_tokens where organization_id = $1 order by created_at desc, id desc limit 1000`,
        [org],
      );
    });
    return c.json({ object: "list", data: rows.map((r) => toWire(r)), next_cursor: null });
  });

  app.post("/tokens", async (c) => {
    const body = parseWith(CreateTokenRequest, await readJson(c), "body");
    const expiresAt = body.expires_in_days ? new Date(Date.now() + body.expires_in_days * 86_400_000) : null;
    const created = await asCaller(deps, c, async (tx) => {
      const [minted] = await tx<{ token_id: string; token: string }[]>`
        select * from public.create_api_token(${body.name}, ${body.role}, ${expiresAt}, ${body.role === "worker" ? `manual-${crypto.randomUUID().slice(0, 8)}` : null})`;
      const row = await tokenRow(tx, minted!.token_id);
      return { ...toWire(row!), token: minted!.token };
    });
    return c.json(created, 201);
  });

  app.delete("/tokens/:id", async (c) => {
    const id = parseWith(Uuid, c.req.param("id"), "token id");
    const row = await asCaller(deps, c, async (tx) => {
      await tx`select public.revoke_api_token(${id})`;
      return tokenRow(tx, id);
    });
    if (!row) throw notFound("token");
    return c.json(toWire(row));
  });

  return app;
}
