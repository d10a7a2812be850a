"use client";
// One supabase-js client per page for Realtime only. `accessToken` hands Realtime the api's JWT
// (it asks on connect and on each heartbeat, so a refreshed JWT reaches the channels as an
// access_token push). Null where no Realtime is configured: the page long-polls.
import { createClient, type SupabaseClient } from "@supabase/supabase-js";

let cached: { key: string; client: SupabaseClient } | null = null;

export function realtimeClient(
  config: { url: string; key: string } | null,
  accessToken: () => string,
): SupabaseClient | null {
  if (!config) return null;
  const cacheKey = `${config.url} ${config.key}`;
  if (cached?.key === cacheKey) return cached.client;
  const client = createClient(config.url, config.key, {
    accessToken: async () => accessToken(),
  });
  cached = { key: cacheKey, client };
  return client;
}
