// One pinned Python stack: the worker images install exactly sdk/job-scripts/requirements, and the
// CPU test venv installs the same common pins minus the GPU-only files.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";

const reqDir = join(repoRoot, "sdk", "job-scripts", "requirements");
const dockerDir = join(repoRoot, "worker", "docker");
const GPU_ONLY: Record<string, string> = { unsloth: "unsloth.txt", vllm: "vllm.txt" };

/** Requirement lines without comments; `-r x` kept as is. */
function lines(file: string): string[] {
  return readFileSync(join(reqDir, file), "utf8")
    .split("\n")
    .map((l) => l.replace(/#.*/, "").trim())
    .filter((l) => l !== "");
}

/** Every argument of every `pip install` in a Dockerfile's RUN instructions. */
function pipInstalls(dockerfile: string): string[][] {
  const text = readFileSync(join(dockerDir, dockerfile), "utf8").replace(/\\\n/g, " ");
  return [...text.matchAll(/pip install ([^&\n]*)/g)].map((m) => m[1]!.trim().split(/\s+/));
}

describe("the pinned Python stack", () => {
  it("pins every package of every requirements file to one exact version", () => {
    for (const file of readdirSync(reqDir).filter((f) => f.endsWith(".txt")))
      for (const line of lines(file).filter((l) => !l.startsWith("-r ")))
        expect({ file, line, exact: /^[A-Za-z0-9_.-]+==[0-9][A-Za-z0-9.+]*$/.test(line) }).toEqual({
          file,
          line,
          exact: true,
        });
  });

  it("keeps GPU-only packages out of the CPU venv", () => {
    expect(lines("cpu.txt")).toEqual(["-r common.txt", "-r dev.txt"]);
    expect(lines("dev.txt").map((l) => l.split("==")[0])).toEqual(["ruff"]);
    const common = lines("common.txt").map((l) => l.split("==")[0]!.toLowerCase());
    for (const file of Object.values(GPU_ONLY))
      for (const line of lines(file)) expect(common).not.toContain(line.split("==")[0]!.toLowerCase());
  });

  for (const [image, gpuFile] of Object.entries(GPU_ONLY)) {
    it(`has Dockerfile.${image} install exactly common.txt + ${gpuFile}, with no version of its own`, () => {
      const installs = pipInstalls(`Dockerfile.${image}`).filter((args) => !args.includes("--upgrade"));
      expect(installs).toEqual([
        ["-r", "/opt/openweights/requirements/common.txt", "-r", `/opt/openweights/requirements/${gpuFile}`],
      ]);
      const dockerfile = readFileSync(join(dockerDir, `Dockerfile.${image}`), "utf8");
      expect(dockerfile).toContain("COPY sdk/job-scripts/requirements /opt/openweights/requirements");
      expect(dockerfile).not.toMatch(/==|ARG \w+_VERSION|--index-url/);
    });
  }
});
