// Token management: mint a short-lived member token, use it, list tokens, revoke it.
// npx tsx examples/tokens.ts
import { OpenWeights } from "../sdk/src/node/index.ts";
import { type Example, runIfMain } from "./example-runner.ts";

export const tokens: Example = async ({ ow, log }) => {
  const created = await ow.tokens.create({ name: "ci pipeline", role: "member", expires_in_days: 1 });
  log(
    `created ${created.prefix}… (${created.role}, expires ${created.expires_at}); the secret is shown only now`,
  );
  const asMember = new OpenWeights({ apiKey: created.token, baseURL: ow.baseURL });
  log(`the new token acts for organization ${(await asMember.me()).organization.id}`);
  for await (const t of ow.tokens.list())
    log(`  ${t.prefix}…  ${t.name}  ${t.role}${t.revoked_at ? "  revoked" : ""}`);
  await ow.tokens.revoke(created.id);
  log(`revoked ${created.prefix}…`);
};

runIfMain(import.meta, tokens);
