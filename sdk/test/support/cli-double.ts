// One API double and one config directory per CLI test file: started once, emptied before each
// test, so a route or request left by one test never answers in the next.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type HttpDouble, startHttpDouble } from "./http-double.ts";

export interface CliDouble {
  readonly api: HttpDouble;
  readonly configDir: string;
  /** The environment the CLI reads: this double's URL, a token, this file's config directory. */
  env(more?: Record<string, string | undefined>): Record<string, string | undefined>;
}

export function useCliDouble(configPrefix: string): CliDouble {
  let api: HttpDouble | undefined;
  let configDir: string | undefined;
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("useCliDouble: read before beforeAll ran");
    return value;
  };
  beforeAll(async () => {
    api = await startHttpDouble();
    configDir = mkdtempSync(join(tmpdir(), configPrefix));
  });
  afterAll(async () => {
    await api?.close();
    if (configDir !== undefined) rmSync(configDir, { recursive: true, force: true });
  });
  beforeEach(() => {
    const double = started(api);
    double.requests.length = 0;
    for (const key of Object.keys(double.routes)) delete double.routes[key];
  });
  return {
    get api() {
      return started(api);
    },
    get configDir() {
      return started(configDir);
    },
    env: (more = {}) => ({
      OPENWEIGHTS_API_URL: started(api).url,
      OPENWEIGHTS_API_KEY: "test-jwt",
      OPENWEIGHTS_CONFIG_DIR: started(configDir),
      ...more,
    }),
  };
}
