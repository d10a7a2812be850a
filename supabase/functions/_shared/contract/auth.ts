import { z } from "zod";
import { Timestamp, Uuid } from "./common.ts";
import { MemberRole, TokenRole } from "./enums.ts";

export const TOKEN_PATTERN = /^ow_[A-Za-z0-9_-]{43}$/;

export const TokenExchangeRequest = z.strictObject({ token: z.string().min(1).max(200) });
export type TokenExchangeRequest = z.infer<typeof TokenExchangeRequest>;

export const TokenExchangeResponse = z.object({
  access_token: z.string(),
  token_type: z.literal("bearer"),
  expires_in: z.number(),
  expires_at: z.number(),
  organization_id: Uuid,
  role: TokenRole,
});
export type TokenExchangeResponse = z.infer<typeof TokenExchangeResponse>;

/** Claims of the JWTs the api issues (and of Supabase sessions, which carry `sub` instead). */
export const AccessClaims = z.object({
  role: z.literal("authenticated"),
  organization_id: Uuid,
  token_id: Uuid,
  token_role: TokenRole,
  worker_id: z.string().optional(),
  run_id: Uuid.optional(),
  sub: z.string().optional(),
  exp: z.number(),
  iat: z.number(),
  iss: z.string(),
  aud: z.string().optional(),
});
export type AccessClaims = z.infer<typeof AccessClaims>;

export const ApiToken = z.object({
  id: Uuid,
  organization_id: Uuid,
  name: z.string(),
  prefix: z.string(),
  role: TokenRole,
  worker_id: z.string().nullable(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  revoked_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
});
export type ApiToken = z.infer<typeof ApiToken>;

export const CreateTokenRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: TokenRole.default("member"),
  /** Days until expiry; omitted means "as long as the creating token lives" (never, for a non-expiring admin). */
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export type CreateTokenRequest = z.infer<typeof CreateTokenRequest>;

/** The only response that ever contains the token's secret. */
export const CreatedToken = ApiToken.extend({ token: z.string() });
export type CreatedToken = z.infer<typeof CreatedToken>;

export const Organization = z.object({ id: Uuid, name: z.string(), created_at: Timestamp });
export type Organization = z.infer<typeof Organization>;

export const Me = z.object({
  organization: Organization,
  token_id: Uuid.nullable(),
  role: TokenRole,
  user_id: Uuid.nullable(),
});
export type Me = z.infer<typeof Me>;

export const UpdateOrganizationRequest = z.strictObject({ name: z.string().trim().min(1).max(100) });

export const Member = z.object({
  user_id: Uuid,
  email: z.string().nullable(),
  role: MemberRole,
  created_at: Timestamp,
});
export type Member = z.infer<typeof Member>;
export const AddMemberRequest = z.strictObject({
  email: z.email().max(320),
  role: MemberRole.default("member"),
});
export const UpdateMemberRequest = z.strictObject({ role: MemberRole });

export const Secret = z.object({
  name: z.string(),
  /** Whether members may declare it in a job (admins always may; platform secrets never reach a job). */
  member_usable: z.boolean().default(false),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Secret = z.infer<typeof Secret>;
export const PutSecretRequest = z.strictObject({
  value: z.string().min(1).max(65536),
  /** Omitted: a new secret is admin-only, an existing one keeps its setting. */
  member_usable: z.boolean().optional(),
});
