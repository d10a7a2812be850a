import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { huggingFaceHubDir, modelIdFromCacheDir, scanCachedModels } from "./hf-cache.ts";

describe("Hugging Face cache scan", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("maps cache directory names to model ids", () => {
    expect(modelIdFromCacheDir("models--unsloth--Qwen3-4B")).toBe("unsloth/Qwen3-4B");
    expect(modelIdFromCacheDir("models--gpt2")).toBe("gpt2");
    expect(modelIdFromCacheDir("datasets--org--data")).toBeNull();
    expect(modelIdFromCacheDir(".locks")).toBeNull();
  });

  it("finds models that have a snapshot and ignores incomplete downloads", async () => {
    const hub = mkdtempSync(join(tmpdir(), "ow-hf-"));
    dirs.push(hub);
    mkdirSync(join(hub, "models--meta-llama--Llama-3.1-8B", "snapshots", "abc"), { recursive: true });
    mkdirSync(join(hub, "models--org--empty", "snapshots"), { recursive: true });
    mkdirSync(join(hub, "datasets--org--d", "snapshots", "x"), { recursive: true });
    expect(await scanCachedModels(hub)).toEqual(["meta-llama/Llama-3.1-8B"]);
  });

  it("reports nothing when there is no cache", async () => {
    expect(await scanCachedModels(join(tmpdir(), "ow-no-such-cache-dir"))).toEqual([]);
  });

  it("resolves the hub directory the way huggingface_hub does", () => {
    expect(huggingFaceHubDir({ HF_HUB_CACHE: "/c/hub", HF_HOME: "/h" })).toBe("/c/hub");
    expect(huggingFaceHubDir({ HF_HOME: "/h" })).toBe("/h/hub");
    expect(huggingFaceHubDir({})).toMatch(/\.cache\/huggingface\/hub$/);
  });
});
