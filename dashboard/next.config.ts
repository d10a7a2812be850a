// The dashboard deploys to Vercel unchanged (project root: dashboard/). Configuration is read at
// run time by the server (lib/server-env.ts), never inlined at build time, so one build serves
// every environment.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { NextConfig } from "next";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");

const config: NextConfig = {
  // The SDK is a workspace package; trace and bundle from the monorepo root.
  outputFileTracingRoot: repoRoot,
  turbopack: { root: repoRoot },
  poweredByHeader: false,
  reactStrictMode: true,
};

export default config;
