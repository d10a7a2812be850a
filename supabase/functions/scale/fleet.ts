// Where pods come from, per organization: the local pod agent, or RunPod with the organization's
// own RUNPOD_API_KEY secret (falling back to a deployment-wide key). Also the catalog the policy
// plans with: RunPod's GPU table, or what the local machine has.
import type { SecretBox } from "../_shared/auth/secret-box.ts";
import { asService, type Sql } from "../_shared/db/session.ts";
import {
  buildCatalog,
  defaultCatalog,
  type HardwareCatalog,
  mergeRunpodCatalog,
} from "../_shared/hardware/index.ts";
import { createLocalProvider } from "../_shared/providers/local.ts";
import type { Provider, ProviderName } from "../_shared/providers/provider.ts";
import { createRunPodProvider, fetchRunPodGpuCatalog } from "../_shared/providers/runpod.ts";
import type { ScaleEnv } from "./env.ts";

export interface Fleet {
  readonly provider: ProviderName;
  catalog(): Promise<HardwareCatalog>;
  /** The provider acting for an organization; null when it has no credentials. */
  forOrganization(organizationId: string): Promise<Provider | null>;
}

export function createFleet(
  env: ScaleEnv,
  sql: Sql,
  secrets: SecretBox,
  fetchImpl: typeof fetch = fetch,
): Fleet {
  if (env.OW_PROVIDER === "local") {
    const local = createLocalProvider({
      agentUrl: env.OW_POD_AGENT_URL!,
      token: env.OW_POD_AGENT_TOKEN!,
      deploymentId: env.OW_DEPLOYMENT_ID,
      fetch: fetchImpl,
    });
    return {
      provider: "local",
      catalog: () => localCatalog(env, fetchImpl),
      forOrganization: async () => local,
    };
  }
  const providers = new Map<string, Provider>();
  const catalogCache: CatalogCache = {};
  return {
    provider: "runpod",
    catalog: () => runPodCatalog(env, fetchImpl, catalogCache),
    async forOrganization(organizationId) {
      const key =
        (organizationId ? await organizationRunPodKey(sql, secrets, organizationId) : null) ??
        env.OW_RUNPOD_API_KEY;
      if (!key) return null;
      let provider = providers.get(key);
      if (!provider) {
        provider = createRunPodProvider({
          apiKey: key,
          deploymentId: env.OW_DEPLOYMENT_ID,
          ...(env.OW_RUNPOD_REST_URL ? { restBaseUrl: env.OW_RUNPOD_REST_URL } : {}),
          fetch: fetchImpl,
        });
        providers.set(key, provider);
      }
      return provider;
    },
  };
}

const CATALOG_TTL_MS = 3600_000;
type CatalogCache = { entry?: { at: number; catalog: HardwareCatalog } };

/**
 * Live prices and memory from RunPod's GPU catalog (merged over the checked-in table), refreshed
 * hourly; the checked-in table when no deployment key is set or RunPod cannot be reached.
 */
async function runPodCatalog(
  env: ScaleEnv,
  fetchImpl: typeof fetch,
  cache: CatalogCache,
): Promise<HardwareCatalog> {
  if (!env.OW_RUNPOD_API_KEY) return defaultCatalog;
  if (cache.entry && Date.now() - cache.entry.at < CATALOG_TTL_MS) return cache.entry.catalog;
  try {
    const gpus = await fetchRunPodGpuCatalog({
      apiKey: env.OW_RUNPOD_API_KEY,
      fetch: fetchImpl,
      timeoutMs: 10_000,
      ...(env.OW_RUNPOD_REST_URL ? { restBaseUrl: env.OW_RUNPOD_REST_URL } : {}),
    });
    cache.entry = { at: Date.now(), catalog: mergeRunpodCatalog(gpus) };
    return cache.entry.catalog;
  } catch {
    return cache.entry?.catalog ?? defaultCatalog;
  }
}

async function organizationRunPodKey(sql: Sql, secrets: SecretBox, org: string): Promise<string | null> {
  const [row] = await asService(
    sql,
    (tx) =>
      tx`select encrypted_value from public.organization_secrets where organization_id = ${org} and name = 'RUNPOD_API_KEY'`,
  );
  return row ? secrets.open(org, "RUNPOD_API_KEY", String(row.encrypted_value)) : null;
}

/** The local machine as a one-type catalog: its GPUs at $0/h, or a CPU slot when it has none. */
async function localCatalog(env: ScaleEnv, fetchImpl: typeof fetch): Promise<HardwareCatalog> {
  const res = await fetchImpl(`${env.OW_POD_AGENT_URL}/capacity`, {
    headers: { authorization: `Bearer ${env.OW_POD_AGENT_TOKEN}` },
  });
  const capacity = (await res.json()) as { gpus?: { name: string; memoryGb: number }[] };
  const gpus = capacity.gpus ?? [];
  const first = gpus[0];
  if (!first)
    return buildCatalog([
      { short: "CPU", runpodId: "cpu", memoryGb: 5, pricePerGpuHour: 0, verified: true, maxCount: 1 },
    ]);
  return buildCatalog([
    {
      short: "LOCAL",
      runpodId: first.name,
      memoryGb: first.memoryGb,
      pricePerGpuHour: 0,
      verified: true,
      maxCount: gpus.length,
    },
  ]);
}
