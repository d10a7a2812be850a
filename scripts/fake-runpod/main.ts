// Standalone fake RunPod: `FAKE_RUNPOD_API_KEY=test-key npx tsx scripts/fake-runpod/main.ts`.
// Prints the REST v2 base URL to give the runpod provider (`restBaseUrl`). Port from
// FAKE_RUNPOD_PORT (default: an ephemeral one). Stops on SIGINT/SIGTERM.
import { startFakeRunPod } from "./server.ts";

const apiKey = process.env.FAKE_RUNPOD_API_KEY;
if (apiKey === undefined || apiKey.length === 0) {
  console.error("FAKE_RUNPOD_API_KEY must be set (the bearer token the fake accepts)");
  process.exit(2);
}
const port = Number(process.env.FAKE_RUNPOD_PORT ?? "0");
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`FAKE_RUNPOD_PORT must be a port number, got ${process.env.FAKE_RUNPOD_PORT}`);
  process.exit(2);
}

const fake = await startFakeRunPod({ apiKey, port });
console.log(`fake RunPod listening: restBaseUrl=${fake.url}/v2 control=${fake.url}/__control`);

const stop = () => {
  fake.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
