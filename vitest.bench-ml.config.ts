// `npm run bench:ml` (scripts/bench/ml-train.bench.ts) under vitest, for the test stack's database
// template and cluster; not part of `npm test`.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["scripts/bench/ml-train.bench.ts"],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 3_600_000,
    hookTimeout: 900_000,
    pool: "forks",
  },
  resolve: {
    alias: {
      "@contract": new URL("./supabase/functions/_shared/contract/index.ts", import.meta.url).pathname,
    },
  },
});
