#!/usr/bin/env node
// The `ow` executable. A committed launcher (not the build output itself) so that npm can link the
// bin when installing a workspace checkout before `prepare` has built dist/.
import("../dist/cli.mjs").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND") {
    console.error(
      "ow: the CLI is not built yet; run `npm run build -w sdk` (or `npm install`, which builds it).",
    );
    process.exit(1);
  }
  throw error;
});
