import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    // *.ml.test.ts need the CPU ML venv: their own suite runs them (vitest.ml.config.ts); the soak
    // runs alone in its own suite (vitest.soak.config.ts)
    exclude: [
      "**/node_modules/**",
      "**/dist/**",
      "dashboard/**",
      "**/.next/**",
      "**/*.ml.test.ts",
      "tests/soak/**",
    ],
    globalSetup: ["tests/support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // 2-core machines: a few forks keep Postgres and Deno responsive.
    pool: "forks",
    maxWorkers: 3,
  },
  resolve: {
    alias: {
      "@contract": new URL("./supabase/functions/_shared/contract/index.ts", import.meta.url).pathname,
    },
  },
});
