import { describe, expect, it } from "vitest";
import {
  assertPodSpecIsSafe,
  belongsToDeployment,
  forbiddenEnvKeys,
  podName,
  readPodTags,
  taggedEnv,
} from "./pod-tags.ts";
import { type PodSpec, ProviderError } from "./provider.ts";

const base: PodSpec = {
  workerId: "w1",
  deploymentId: "prod",
  name: "w",
  image: "img",
  gpuTypeId: "NVIDIA A40",
  gpuCount: 1,
  env: {},
};

describe("pod tags", () => {
  it("names pods ow-<deployment>-<worker> and tags their env", () => {
    expect(podName("prod", "w1")).toBe("ow-prod-w1");
    expect(taggedEnv({ ...base, env: { A: "1", OW_WORKER_ID: "spoof" } })).toEqual({
      A: "1",
      OW_DEPLOYMENT_ID: "prod",
      OW_WORKER_ID: "w1",
    });
  });

  it("trusts the env tag over a name that merely shares the prefix", () => {
    expect(belongsToDeployment("ow-prod-eu-w1", { OW_DEPLOYMENT_ID: "prod-eu" }, "prod")).toBe(false);
    expect(belongsToDeployment("ow-prod-w1", { OW_DEPLOYMENT_ID: "prod" }, "prod")).toBe(true);
  });

  it("falls back to the name when a pod has no env tag", () => {
    expect(readPodTags("ow-prod-w9", {}, "prod")).toEqual({ deploymentId: "prod", workerId: "w9" });
    expect(readPodTags("alice-notebook", undefined, "prod")).toEqual({ deploymentId: null, workerId: null });
  });

  it("flags database URLs, service-role keys and provider keys in env names", () => {
    expect(
      forbiddenEnvKeys({
        OK: "1",
        ANALYTICS_DATABASE_URL: "x",
        SUPABASE_SERVICE_ROLE_KEY: "y",
        PGPASSWORD: "z",
      }),
    ).toEqual(["ANALYTICS_DATABASE_URL", "SUPABASE_SERVICE_ROLE_KEY", "PGPASSWORD"]);
  });

  it("refuses invalid ids and GPU pods without GPUs", () => {
    expect(() => assertPodSpecIsSafe({ ...base, deploymentId: "has space" }, "runpod")).toThrow(
      ProviderError,
    );
    expect(() => assertPodSpecIsSafe({ ...base, gpuCount: 0 }, "runpod")).toThrow(/gpuCount/);
    expect(() => assertPodSpecIsSafe(base, "runpod")).not.toThrow();
  });
});
