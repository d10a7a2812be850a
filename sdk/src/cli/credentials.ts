/**
 * `ow login` stores tokens in $OPENWEIGHTS_CONFIG_DIR or ~/.config/openweights, mode 0600: one per
 * organization (a token belongs to one), and which one is the default. `--org` or OPENWEIGHTS_ORG
 * picks another for one command; `ow org switch` changes the default.
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface StoredOrganization {
  name: string;
  api_key: string;
  base_url?: string;
}

export interface StoredCredentials {
  /** The default organization's token (the only field files written before organizations had). */
  api_key: string;
  base_url?: string;
  default_org?: string;
  organizations?: Record<string, StoredOrganization>;
}

export function configDir(): string {
  return (
    process.env.OPENWEIGHTS_CONFIG_DIR ||
    join(process.env.XDG_CONFIG_HOME || join(homedir(), ".config"), "openweights")
  );
}

export function credentialsPath(): string {
  return join(configDir(), "credentials.json");
}

export function readCredentials(): StoredCredentials | undefined {
  try {
    const value = JSON.parse(readFileSync(credentialsPath(), "utf8")) as Partial<StoredCredentials>;
    return typeof value.api_key === "string" ? (value as StoredCredentials) : undefined;
  } catch {
    return undefined;
  }
}

export function writeCredentials(credentials: StoredCredentials): string {
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const path = credentialsPath();
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600); // an existing file keeps its old mode otherwise
  return path;
}

/** Stores an organization's token; it becomes the default when `makeDefault` or none was set. */
export function rememberOrganization(id: string, org: StoredOrganization, makeDefault: boolean): string {
  const current = readCredentials();
  const organizations = { ...current?.organizations, [id]: org };
  const defaultId = makeDefault || !current ? id : (current.default_org ?? id);
  const chosen = organizations[defaultId] ?? org;
  return writeCredentials({
    api_key: chosen.api_key,
    ...(chosen.base_url ? { base_url: chosen.base_url } : {}),
    default_org: defaultId,
    organizations,
  });
}

/** The stored organization whose id or name is `ref` (ids first; a name must be unique). */
export function findStoredOrganization(
  ref: string,
): { id: string; org: StoredOrganization } | { error: string } {
  const orgs = Object.entries(readCredentials()?.organizations ?? {});
  const byId = orgs.find(([id]) => id === ref);
  if (byId) return { id: byId[0], org: byId[1] };
  const byName = orgs.filter(([, o]) => o.name === ref);
  if (byName.length === 1) return { id: byName[0]![0], org: byName[0]![1] };
  const known = orgs.map(([id, o]) => `${o.name} (${id})`).join(", ") || "none";
  return {
    error:
      byName.length > 1
        ? `several stored organizations are named "${ref}"; use its id: ${known}`
        : `no stored token for organization "${ref}"; stored: ${known} (\`ow login\` adds one)`,
  };
}

export function deleteCredentials(): boolean {
  const existed = readCredentials() !== undefined;
  rmSync(credentialsPath(), { force: true });
  return existed;
}
