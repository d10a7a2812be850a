// The ML suites (tests/ml/*.ml.test.ts): real jobs on the pinned CPU stack with tiny models. Run by
// `npm test` as their own suite (scripts/test/suites/ml.ts) once the venv exists; long timeouts
// because a loaded 2-core machine trains slowly, and at most two files at once (each starts its
// own stack and workers).
import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ["tests/ml/**/*.ml.test.ts"],
      exclude: ["**/node_modules/**"],
      testTimeout: 900_000,
      hookTimeout: 900_000,
      maxWorkers: 2,
    },
  }),
);
