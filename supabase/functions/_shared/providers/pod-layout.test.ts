import { describe, expect, it } from "vitest";
import { JobSubmission } from "../contract/jobs.ts";
import { DEFAULT_STORAGE, imageCudaVersion, podLayout } from "./pod-layout.ts";

describe("pod layout", () => {
  it("sizes storage by job family and always exposes the serving port behind /workspace", () => {
    expect(podLayout([{ type: "fine-tuning", params: {} }], "openweights/ow-unsloth:1")).toEqual({
      containerDiskGb: DEFAULT_STORAGE.training.containerDiskGb,
      volumeGb: DEFAULT_STORAGE.training.volumeGb,
      volumeMountPath: "/workspace",
      ports: ["8000/http"],
      minCudaVersion: null,
    });
    expect(podLayout([{ type: "api", params: {} }], "i").volumeGb).toBe(DEFAULT_STORAGE.serving.volumeGb);
    expect(podLayout([{ type: "custom", params: {} }], "i").volumeGb).toBe(DEFAULT_STORAGE.custom.volumeGb);
  });

  it("takes the largest need when a pod is meant for several jobs", () => {
    const layout = podLayout(
      [
        { type: "custom", params: {} },
        { type: "inference", params: {} },
      ],
      "i",
    );
    expect(layout.volumeGb).toBe(DEFAULT_STORAGE.serving.volumeGb);
  });

  it("honours a job's own storage request and ignores one RunPod could not create", () => {
    const asked = podLayout(
      [{ type: "custom", params: { ow_pod: { container_disk_gb: 300, volume_gb: 900 } } }],
      "i",
    );
    expect([asked.containerDiskGb, asked.volumeGb]).toEqual([300, 900]);
    for (const bad of [
      { volume_gb: 5 },
      { volume_gb: 12.5 },
      { container_disk_gb: "big" },
      { container_disk_gb: 0 },
    ]) {
      const layout = podLayout([{ type: "custom", params: { ow_pod: bad } }], "i");
      expect([layout.containerDiskGb, layout.volumeGb]).toEqual([
        DEFAULT_STORAGE.custom.containerDiskGb,
        DEFAULT_STORAGE.custom.volumeGb,
      ]);
    }
  });

  it("refuses a malformed storage request at submission, naming the field", () => {
    const submit = (ow_pod: unknown) =>
      JobSubmission.safeParse({ type: "custom", image: "i", entrypoint: ["x"], params: { ow_pod } });
    expect(submit({ container_disk_gb: 300, volume_gb: 900 }).success).toBe(true);
    const paths = (ow_pod: unknown) => submit(ow_pod).error?.issues.map((i) => i.path.join("."));
    expect(paths({ volume_gb: 5 })).toEqual(["params.ow_pod.volume_gb"]);
    expect(paths({ disk_gb: 100 })).toEqual(["params.ow_pod"]);
    expect(paths("big")).toEqual(["params.ow_pod"]);
  });

  it.each([
    ["pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime", "12.4"],
    ["runpod/pytorch:1.0.2-cu1281-torch280-ubuntu2404", "12.8"],
    ["nvidia/cuda:12.8.1-runtime-ubuntu24.04", "12.8"],
    ["ghcr.io/me/train:v3-cu118", "11.8"],
    ["python:3.12-slim", null],
    ["vllm/vllm-openai:v0.9.2", null],
    ["registry:5000/img", null],
  ])("reads the CUDA floor of %s as %s", (image, cuda) => {
    expect(imageCudaVersion(image)).toBe(cuda);
  });
});
