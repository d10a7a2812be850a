import { describe, expect, it } from "vitest";
import { buildJobEnv, isAllowedName } from "./job-env.ts";

const workerEnv = {
  PATH: "/usr/bin",
  HOME: "/root",
  LANG: "C.UTF-8",
  CUDA_VISIBLE_DEVICES: "0,1",
  HF_HOME: "/workspace/hf",
  OPENWEIGHTS_WORKER_TOKEN: "ow_worker_secret",
  RUNPOD_API_KEY: "rpa_pod_key",
  RUNPOD_POD_ID: "pod1",
  HF_TOKEN: "hf_org_token",
  DATABASE_URL: "postgres://x",
  AWS_SECRET_ACCESS_KEY: "aws",
  SOMETHING_ELSE: "x",
};

const input = {
  workerEnv,
  extraAllow: [],
  runId: "run-1",
  jobId: "custom-0123456789ab",
  attempt: 2,
  eventsPath: "/w/.openweights/events.jsonl",
  uploadsDir: "/w/uploads",
  gpuCount: 2,
  apiUrl: "http://api/functions/v1",
  runToken: "run-token",
  secrets: { MY_SECRET: "declared" },
  serving: { port: 8000, publicUrl: "https://pod1-8000.proxy.runpod.net" },
};

describe("job environment", () => {
  it("holds the allowlisted variables, the declared secrets and the run's identity, nothing else", () => {
    expect(buildJobEnv(input)).toEqual({
      PATH: "/usr/bin",
      HOME: "/root",
      LANG: "C.UTF-8",
      CUDA_VISIBLE_DEVICES: "0,1",
      HF_HOME: "/workspace/hf",
      MY_SECRET: "declared",
      PYTHONUNBUFFERED: "1",
      OPENWEIGHTS_RUN_ID: "run-1",
      OPENWEIGHTS_JOB_ID: "custom-0123456789ab",
      OPENWEIGHTS_ATTEMPT: "2",
      OPENWEIGHTS_EVENTS: "/w/.openweights/events.jsonl",
      OPENWEIGHTS_UPLOADS: "/w/uploads",
      OPENWEIGHTS_API_URL: "http://api/functions/v1",
      OPENWEIGHTS_API_KEY: "run-token",
      N_GPUS: "2",
      OPENWEIGHTS_SERVE_PORT: "8000",
      OPENWEIGHTS_PUBLIC_URL: "https://pod1-8000.proxy.runpod.net",
    });
  });

  it("never passes the worker's token, the pod key or undeclared secrets, even when allowed by pattern", () => {
    const env = buildJobEnv({ ...input, extraAllow: ["*", "RUNPOD_*", "HF_TOKEN", "SOMETHING_ELSE"] });
    expect(env.SOMETHING_ELSE).toBe("x");
    for (const name of [
      "OPENWEIGHTS_WORKER_TOKEN",
      "RUNPOD_API_KEY",
      "RUNPOD_POD_ID",
      "HF_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "DATABASE_URL",
    ]) {
      expect(env[name]).toBeUndefined();
    }
    expect(Object.values(env)).not.toContain("ow_worker_secret");
  });

  it("does not let a secret override the platform's variables", () => {
    const env = buildJobEnv({
      ...input,
      secrets: { OPENWEIGHTS_API_KEY: "evil", N_GPUS: "99", OPENWEIGHTS_PUBLIC_URL: "https://evil" },
    });
    expect(env.OPENWEIGHTS_API_KEY).toBe("run-token");
    expect(env.N_GPUS).toBe("2");
    expect(env.OPENWEIGHTS_PUBLIC_URL).toBe("https://pod1-8000.proxy.runpod.net");
  });

  it("matches prefix patterns only at the start", () => {
    expect(isAllowedName("CUDA_HOME", ["CUDA_*"])).toBe(true);
    expect(isAllowedName("MY_CUDA_HOME", ["CUDA_*"])).toBe(false);
  });
});
