// Token management. A token never mints one with more rights or a later expiry (SQL enforces).
import { ApiToken } from "../../_shared/contract/auth.ts";
import { AccessRoutes } from "../../_shared/contract/routes/index.ts";
import { rowMapper } from "../../_shared/db/row-mapper.ts";
import type { Tx } from "../../_shared/db/session.ts";
import { notFound } from "../../_shared/http/api-error.ts";
import { answer } from "../../_shared/http/define-route.ts";
import { type ApiDeps, asCaller, callerOrg, route } from "../context.ts";

const TOKEN_COLUMNS =
  "id, organization_id, name, prefix, role, worker_id, created_at, expires_at, revoked_at, last_used_at";
const asToken = rowMapper(ApiToken);

async function tokenRow(tx: Tx, id: string) {
  const [row] = await tx.unsafe(`select ${TOKEN_COLUMNS} from public.api_tokens where id = $1`, [id]);
  return row;
}

export function tokenRoutes(deps: ApiDeps) {
  return [
    route(AccessRoutes.listTokens, async ({ c }) => {
      const rows = await asCaller(deps, c, async (tx) => {
        const org = await callerOrg(tx);
        await tx`select internal.require_member(${org}, true)`;
        return tx.unsafe(
          `select ${TOKEN_COLUMNS} from public.api_tokens where organization_id = $1 order by created_at desc, id desc limit 1000`,
          [org],
        );
      });
      return { object: "list" as const, data: rows.map(asToken), next_cursor: null };
    }),

    route(AccessRoutes.createToken, async ({ c, body }) => {
      const expiresAt = body.expires_in_days
        ? new Date(Date.now() + body.expires_in_days * 86_400_000)
        : null;
      const created = await asCaller(deps, c, async (tx) => {
        const [minted] = await tx<{ token_id: string; token: string }[]>`
          select * from public.create_api_token(${body.name}, ${body.role}, ${expiresAt}, ${body.role === "worker" ? `manual-${crypto.randomUUID().slice(0, 8)}` : null})`;
        const row = await tokenRow(tx, minted!.token_id);
        return { ...asToken(row!), token: minted!.token };
      });
      return answer(201, created);
    }),

    route(AccessRoutes.revokeToken, async ({ c, params }) => {
      const row = await asCaller(deps, c, async (tx) => {
        await tx`select public.revoke_api_token(${params.id})`;
        return tokenRow(tx, params.id);
      });
      if (!row) throw notFound("token");
      return asToken(row);
    }),
  ];
}
