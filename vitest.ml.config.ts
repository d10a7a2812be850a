// The ML suites (tests/ml/*.ml.test.ts): real jobs on the pinned CPU stack with tiny models. Run by
// `npm test` as their own suite (scripts/test/suites/ml.ts) once the venv exists; long timeouts
// because a loaded 2-core machine trains slowly, and at most two files at once (each starts its
// own stack and workers).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/ml/**/*.ml.test.ts"],
    exclude: ["**/node_modules/**"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    pool: "forks",
    maxWorkers: 2,
  },
  resolve: {
    alias: {
      "@contract": new URL("./supabase/functions/_shared/contract/index.ts", import.meta.url).pathname,
    },
  },
});
