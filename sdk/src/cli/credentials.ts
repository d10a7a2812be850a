/** `ow login` stores the token in $OPENWEIGHTS_CONFIG_DIR or ~/.config/openweights, mode 0600. */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export interface StoredCredentials {
  api_key: string;
  base_url?: string;
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

export function deleteCredentials(): boolean {
  const existed = readCredentials() !== undefined;
  rmSync(credentialsPath(), { force: true });
  return existed;
}
