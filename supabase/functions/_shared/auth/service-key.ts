// Headers that authenticate a server to Supabase's APIs with a service key. Supabase's new opaque
// keys (`sb_secret_…`, `sb_publishable_…`) are not JWTs: they go in the `apikey` header only and
// the API gateway turns them into a role for the service behind it (Supabase docs, "API keys").
// The legacy service_role key is a JWT and is also sent as the bearer token, as before.
export function serviceKeyHeaders(key: string): Record<string, string> {
  if (key.startsWith("sb_")) return { apikey: key };
  return { apikey: key, authorization: `Bearer ${key}` };
}
