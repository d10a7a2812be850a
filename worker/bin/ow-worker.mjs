#!/usr/bin/env node
// The `ow-worker` executable: a committed launcher for the bundled worker (dist/ow-worker.mjs), so
// npm can link it before the bundle is built.
import("../dist/ow-worker.mjs").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND") {
    console.error("ow-worker: the worker is not built yet; run `npm run build -w worker`.");
    process.exit(1);
  }
  throw error;
});
