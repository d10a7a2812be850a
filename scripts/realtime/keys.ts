// The local stack's publishable key (what Supabase calls `sb_publishable_…`): not a secret — a
// browser ships it — so it is derived from the stack's JWT secret rather than stored beside it.
import { createHash } from "node:crypto";

export function publishableKeyFor(jwtSecret: string): string {
  return `sb_publishable_${createHash("sha256").update(`publishable:${jwtSecret}`).digest("base64url").slice(0, 32)}`;
}
