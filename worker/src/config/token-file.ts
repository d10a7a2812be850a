// The worker's credential can arrive in a file instead of the environment
// (OPENWEIGHTS_WORKER_TOKEN_FILE): the worker reads it once and deletes it, so neither a file
// nor the worker's initial environment (/proc/<pid>/environ, fixed at exec) still holds it when
// jobs start. Whatever the source, the variable is then removed from this process's env, so no
// child the worker starts (the orphan guard, the docker CLI) inherits it.
import { readFileSync, unlinkSync } from "node:fs";

export const TOKEN_FILE_VAR = "OPENWEIGHTS_WORKER_TOKEN_FILE";
export const TOKEN_VAR = "OPENWEIGHTS_WORKER_TOKEN";

/** The env with the token read from its file (the file is deleted); unchanged without one. */
export function takeTokenFromFile(
  env: Record<string, string | undefined>,
): Record<string, string | undefined> {
  const path = env[TOKEN_FILE_VAR];
  if (!path) return env;
  const token = readFileSync(path, "utf8").trim();
  unlinkSync(path);
  const { [TOKEN_FILE_VAR]: _file, ...rest } = env;
  return { ...rest, [TOKEN_VAR]: token };
}

/** Removes the credential from this process's environment (children inherit process.env). */
export function scrubCredentialFromEnv(target: NodeJS.ProcessEnv = process.env): void {
  delete target[TOKEN_VAR];
  delete target[TOKEN_FILE_VAR];
}
