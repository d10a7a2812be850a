// Live smoke test of the RunPod provider against the real RunPod API (not part of CI: it needs a
// key and, with --create, spends a few cents).
//   RUNPOD_API_KEY=… npx tsx scripts/smoke/runpod-live.ts            read-only checks
//   RUNPOD_API_KEY=… npx tsx scripts/smoke/runpod-live.ts --create   also create → run → terminate a CPU pod
// Optional: RUNPOD_REST_BASE_URL (default https://api.runpod.io/v2).
import { ProviderError } from "../../supabase/functions/_shared/providers/provider.ts";
import {
  createRunPodProvider,
  fetchRunPodGpuCatalog,
} from "../../supabase/functions/_shared/providers/runpod.ts";

const apiKey = process.env.RUNPOD_API_KEY;
if (!apiKey) {
  console.error("RUNPOD_API_KEY is not set; nothing to do.");
  process.exit(2);
}
const restBaseUrl = process.env.RUNPOD_REST_BASE_URL;
const deploymentId = `smoke-${Date.now().toString(36)}`;
const provider = createRunPodProvider({ apiKey, deploymentId, ...(restBaseUrl ? { restBaseUrl } : {}) });

function step(name: string, detail: unknown = ""): void {
  console.log(`ok  ${name}`, detail);
}

async function readOnlyChecks(): Promise<void> {
  const gpus = await fetchRunPodGpuCatalog({ apiKey: apiKey!, ...(restBaseUrl ? { restBaseUrl } : {}) });
  step("catalog", `${gpus.length} GPU types, e.g. ${JSON.stringify(gpus[0])}`);
  const pods = await provider.list();
  if (pods.length !== 0) throw new Error(`a fresh deployment id listed ${pods.length} pods`);
  step("list filters to this deployment", "0 pods");
  if ((await provider.describe("doesnotexist0000")) !== null) throw new Error("unknown pod was not null");
  step("describe unknown pod → null");
  const wrong = createRunPodProvider({
    apiKey: "rpa_invalid_key",
    deploymentId,
    ...(restBaseUrl ? { restBaseUrl } : {}),
  });
  const error = await wrong.list().catch((e: unknown) => e);
  if (!(error instanceof ProviderError) || error.kind !== "auth")
    throw new Error(`wrong key gave ${String(error)}`);
  step("wrong key → auth", error.message);
}

async function createCheck(): Promise<void> {
  const pod = await provider.create({
    workerId: "w1",
    deploymentId,
    name: "smoke",
    image: "busybox:latest",
    gpuTypeId: null,
    gpuCount: 0,
    env: { OW_SMOKE: "1" },
    containerDiskGb: 5,
  });
  step("create CPU pod", pod);
  try {
    const deadline = Date.now() + 5 * 60_000;
    let status = pod.status;
    while (status !== "running" && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5_000));
      status = (await provider.describe(pod.podId))?.status ?? "terminated";
      console.log(`    status ${status}`);
    }
    const listed = await provider.list();
    if (!listed.some((p) => p.podId === pod.podId && p.workerId === "w1"))
      throw new Error("created pod not listed");
    step("list shows the tagged pod");
  } finally {
    await provider.terminate(pod.podId);
    await provider.terminate(pod.podId);
    step("terminate (twice, idempotent)");
  }
}

try {
  await readOnlyChecks();
  if (process.argv.includes("--create")) await createCheck();
  console.log("runpod live smoke: passed");
} catch (error) {
  console.error("runpod live smoke: FAILED", error);
  process.exit(1);
}
