// Publishes the self-contained worker executable with a release: builds it (worker/build-sea.mjs),
// uploads it to the deployment's Supabase Storage under a content-addressed path in a public
// bucket (the binary holds no secret; pods fetch it without credentials), and prints the two
// secrets the scale function hands to pods.
//   SUPABASE_URL=… SUPABASE_SERVICE_ROLE_KEY=… npm run release:worker
// Optional: OW_RELEASE_BUCKET (default `releases`). The bucket's file size limit must allow
// ~100 MB (Supabase Pro and up; the Free plan caps files at 50 MB — host the file anywhere over
// HTTPS instead and set the same two secrets).
import { readFileSync } from "node:fs";
import { createClient } from "@supabase/supabase-js";
import { WORKER_VERSION } from "../../worker/src/startup.ts";
import { ensureWorkerBinary } from "../rootfs/worker-binary.ts";

const url = process.env.SUPABASE_URL;
const key = process.env.SUPABASE_SERVICE_ROLE_KEY;
if (!url || !key) {
  console.error("release:worker needs SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY");
  process.exit(2);
}
const bucket = process.env.OW_RELEASE_BUCKET ?? "releases";
const binary = ensureWorkerBinary((line) => console.error(line));
const path = `ow-worker/${WORKER_VERSION}-${binary.sha256.slice(0, 12)}/ow-worker-linux-x64`;

const storage = createClient(url, key, { auth: { persistSession: false } }).storage;
const { error: bucketError } = await storage.createBucket(bucket, { public: true });
if (bucketError && !/already exists/i.test(bucketError.message)) throw bucketError;
const { error } = await storage
  .from(bucket)
  .upload(path, readFileSync(binary.path), { contentType: "application/octet-stream", upsert: true });
if (error) throw error;
const publicUrl = storage.from(bucket).getPublicUrl(path).data.publicUrl;
console.log(`published ${path}`);
console.log(
  `supabase secrets set OW_WORKER_BINARY_URL=${publicUrl} OW_WORKER_BINARY_SHA256=${binary.sha256}`,
);
