// A fake OpenWeights API for the built-in job tests: content-addressed files (every upload is
// "already known", so no bytes move), job submission echoing the body, and a scripted job life.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { OpenWeights } from "../../src/node/index.ts";
import {
  BASE_URL,
  fakeClock,
  fakeFetch,
  type Handler,
  jobBody,
  json,
  ORG_ID,
} from "../support/fake-fetch.ts";

export const SCRIPTS_DIR = fileURLToPath(new URL("../../job-scripts/", import.meta.url));
export const CONVERSATIONS = "conversations:file-0123456789ab";
export const PREFERENCE = "preference:file-abcdefabcdef";

export function fileObject(id: string, purpose: string, sha256: string) {
  return {
    id,
    object: "file",
    organization_id: ORG_ID,
    filename: "f",
    purpose,
    bytes: 1,
    sha256,
    created_at: "t",
  };
}

export function fakeServer(routes: Record<string, Handler> = {}) {
  const fake = fakeFetch({
    "GET /api/me": () => json({ organization: { id: ORG_ID } }),
    "POST /api/files/uploads": (call) => {
      const { org_sha256, purpose } = JSON.parse(new TextDecoder().decode(call.body)) as Record<
        string,
        string
      >;
      const fileId = `${purpose}:file-${org_sha256?.slice(0, 12)}`;
      return json({ file_id: fileId, upload_url: null, upload_id: null, expires_at: null });
    },
    "POST /api/files": (call) => {
      const sha256 = createHash("sha256").update(call.body).digest("hex");
      const purpose = call.query.get("purpose") ?? "";
      return json(fileObject(`${purpose}:file-${sha256.slice(0, 12)}`, purpose, sha256), 201);
    },
    "POST /api/jobs": (call) => {
      const body = JSON.parse(new TextDecoder().decode(call.body)) as Record<string, unknown>;
      return json({ ...jobBody({ id: `${body.type}-0123456789ab` }), ...body, created: true }, 201);
    },
    ...routes,
  });
  const submissions = () =>
    fake.calls
      .filter((c) => c.method === "POST" && c.path.endsWith("/api/jobs"))
      .map((c) => fake.bodyJson(c));
  return { ...fake, submissions };
}

export function client(server: ReturnType<typeof fakeServer>, options: { hfOrg?: string } = {}) {
  return new OpenWeights({
    apiKey: "k",
    baseURL: BASE_URL,
    fetch: server.fetch,
    clock: fakeClock(),
    hfOrg: options.hfOrg ?? "my-org",
  });
}

/** Runs Python with job-scripts/ on sys.path; `code` prints one JSON line. */
export function python(code: string, input: unknown = null): unknown {
  const out = execFileSync("python3", ["-c", code], {
    cwd: SCRIPTS_DIR,
    input: JSON.stringify(input),
    encoding: "utf8",
    env: { ...process.env, PYTHONPATH: SCRIPTS_DIR, PYTHONDONTWRITEBYTECODE: "1" },
  });
  return JSON.parse(out);
}
