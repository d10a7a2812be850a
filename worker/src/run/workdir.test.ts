// The worker refuses the same mount paths the api refuses at submit: both call the contract's
// mountPathProblem, so a claim from anywhere cannot write into the platform's files.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MountError, mountTarget } from "./workdir.ts";

describe("mountTarget", () => {
  it("places a mount inside the run directory", () => {
    expect(mountTarget("/w/run", "data/train.jsonl")).toBe(join("/w/run", "data/train.jsonl"));
  });

  it.each([".openweights/events.jsonl", ".openweights", "params.json", "../escape", "/abs", "a//b", "a\\b"])(
    "refuses %s",
    (path) => {
      expect(() => mountTarget("/w/run", path)).toThrow(MountError);
    },
  );
});
