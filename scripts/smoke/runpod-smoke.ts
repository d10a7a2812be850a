// Live smoke test on real RunPod through a deployed OpenWeights (not part of CI: it needs keys
// and spends cents — one small pod for a few minutes, boot included):
//   RUNPOD_API_KEY=… OPENWEIGHTS_API_URL=https://<ref>.supabase.co/functions/v1 \
//   OPENWEIGHTS_API_KEY=ow_… OW_DEPLOYMENT_ID=smoke npm run smoke:runpod
//   … npm run smoke:runpod -- --cleanup     only terminate the deployment's pods
// The deployment's scale function must run with the same OW_DEPLOYMENT_ID and a RunPod key, and
// have the worker executable published (npm run release:worker). Logic: ./smoke-logic.ts.
import { OpenWeights } from "../../sdk/src/index.ts";
import { createRunPodProvider } from "../../supabase/functions/_shared/providers/runpod.ts";
import { cleanupByTag, runSmoke } from "./smoke-logic.ts";

const env = process.env;
const missing = ["RUNPOD_API_KEY", "OPENWEIGHTS_API_URL", "OPENWEIGHTS_API_KEY", "OW_DEPLOYMENT_ID"].filter(
  (name) => !env[name],
);
if (missing.length > 0) {
  console.error(`smoke:runpod needs ${missing.join(", ")}`);
  process.exit(2);
}
const runpod = createRunPodProvider({
  apiKey: env.RUNPOD_API_KEY ?? "",
  deploymentId: env.OW_DEPLOYMENT_ID ?? "",
  ...(env.RUNPOD_REST_BASE_URL ? { restBaseUrl: env.RUNPOD_REST_BASE_URL } : {}),
});
const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`);
if (process.argv.includes("--cleanup")) {
  const ended = await cleanupByTag(runpod, log);
  log(`cleanup: ${ended.length} pod(s) terminated`);
  process.exit(0);
}
const result = await runSmoke({
  ow: new OpenWeights({ apiKey: env.OPENWEIGHTS_API_KEY, baseURL: env.OPENWEIGHTS_API_URL }),
  runpod,
  log,
  timeoutMs: Number(env.OW_SMOKE_TIMEOUT_S ?? "1800") * 1000,
  pollMs: 5000,
  runId: new Date().toISOString(),
});
log(`${result.ok ? "PASSED" : "FAILED"}: ${result.detail}; ${result.terminated.length} pod(s) terminated`);
process.exit(result.ok ? 0 : 1);
