// The soak suite (tests/soak): one long run of the local stack, alone, so its workers are not
// starved by other files. Run by `npm test` as its own suite (scripts/test/suites/soak.ts); the
// timeouts are a backstop only, the soak fails on a stall (no job finished for 3 minutes) first.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/soak/**/*.test.ts"],
    exclude: ["**/node_modules/**"],
    testTimeout: 1_800_000,
    hookTimeout: 120_000,
    pool: "forks",
    maxWorkers: 1,
  },
  resolve: {
    alias: {
      "@contract": new URL("./supabase/functions/_shared/contract/index.ts", import.meta.url).pathname,
    },
  },
});
