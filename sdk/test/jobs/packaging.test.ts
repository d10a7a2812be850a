import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findJobScriptsDir, listJobScripts } from "../../src/jobs/node-scripts.ts";
import { SCRIPTS_DIR } from "./support.ts";

const SDK = fileURLToPath(new URL("../../", import.meta.url));

describe("job scripts in the npm package", () => {
  it("are found relative to the module, from the sources as from dist/", () => {
    expect(findJobScriptsDir()).toBe(SCRIPTS_DIR.replace(/\/$/, ""));
  });

  it("are all packed, and the tests are not", () => {
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: SDK,
        encoding: "utf8",
      }),
    ) as { files: { path: string }[] }[];
    const paths = new Set((packed[0]?.files ?? []).map((f) => f.path));
    for (const script of listJobScripts(SCRIPTS_DIR)) expect(paths).toContain(`job-scripts/${script}`);
    expect([...paths].some((p) => p.startsWith("job-scripts/tests/"))).toBe(false);
  });
});
