// The `ow-worker` executable (bundled to dist/ow-worker.mjs).
import { runWorkerCli } from "./main.ts";

runWorkerCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
