// The deploy layout's generated files (scripts/deploy/generated.ts) must equal what is committed:
// every deno.json carries package.json's pinned versions, and the openai function's copy of the
// job scripts carries the SDK's scripts byte for byte. `npm run gen:deploy` rewrites them.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";
import { generatedDenoJsons, pinnedVersions } from "../../scripts/deploy/deno-imports.ts";
import { generatedDeployFiles } from "../../scripts/deploy/generated.ts";
import { JOB_SCRIPTS_MODULE, jobScriptsModule } from "../../scripts/deploy/job-scripts-module.ts";
import { listJobScripts } from "../../sdk/src/jobs/node-scripts.ts";
import { JOB_SCRIPTS } from "../../supabase/functions/openai/job-scripts.generated.ts";

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway root holding package.json, the functions' folders and the job scripts. */
function scratchRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "ow-gen-"));
  scratch.push(root);
  writeFileSync(join(root, "package.json"), readFileSync(join(repoRoot, "package.json")));
  cpSync(join(repoRoot, "supabase", "functions"), join(root, "supabase", "functions"), {
    recursive: true,
    filter: (src) => !src.includes("node_modules"),
  });
  cpSync(join(repoRoot, "sdk", "job-scripts"), join(root, "sdk", "job-scripts"), { recursive: true });
  return root;
}

describe("generated deploy files", () => {
  const files = generatedDeployFiles(repoRoot);

  it("covers the root deno.json, one deno.json per function and the job scripts", () => {
    expect(Object.keys(files).sort()).toEqual([
      "deno.json",
      "supabase/functions/api/deno.json",
      "supabase/functions/openai/deno.json",
      "supabase/functions/openai/job-scripts.generated.ts",
      "supabase/functions/scale/deno.json",
      "supabase/functions/worker-api/deno.json",
    ]);
  });

  for (const [path, content] of Object.entries(files)) {
    it(`${path} is up to date (npm run gen:deploy)`, () => {
      expect(readFileSync(join(repoRoot, path), "utf8")).toBe(content);
    });
  }

  it("maps every function's packages to package.json's exact versions", () => {
    const versions = pinnedVersions(repoRoot);
    for (const [path, content] of Object.entries(generatedDenoJsons(repoRoot))) {
      const imports = (JSON.parse(content) as { imports: Record<string, string> }).imports;
      for (const [name, version] of Object.entries(versions)) {
        expect(imports[`${name}/`], `${path} ${name}/`).toBe(`npm:/${name}@${version}/`);
      }
    }
  });

  it("drifts, and so fails the check above, when package.json's pin moves", () => {
    const root = scratchRoot();
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    pkg.dependencies.zod = "4.6.6";
    writeFileSync(join(root, "package.json"), JSON.stringify(pkg));
    const moved = generatedDenoJsons(root)["supabase/functions/api/deno.json"];
    expect(moved).toContain('"zod": "npm:zod@4.6.6"');
    expect(moved).not.toBe(files["supabase/functions/api/deno.json"]);
  });

  it("refuses a version range: a deploy must pin exactly what Node and the tests ran", () => {
    const root = scratchRoot();
    const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
    pkg.dependencies.hono = "^4.13.19";
    writeFileSync(join(root, "package.json"), JSON.stringify(pkg));
    expect(() => generatedDenoJsons(root)).toThrow(/dependencies\.hono must be an exact version/);
  });

  it("carries every mounted script byte for byte (so the openai function and the SDK get the same job ids)", () => {
    const dir = join(repoRoot, "sdk", "job-scripts");
    const targets = listJobScripts(dir);
    expect(Object.keys(JOB_SCRIPTS).sort()).toEqual(targets);
    expect(targets).toContain("training/train.py");
    const encoder = new TextEncoder();
    for (const target of targets) {
      expect(
        Buffer.from(encoder.encode(JOB_SCRIPTS[target])).equals(readFileSync(join(dir, target))),
        target,
      ).toBe(true);
    }
  });

  it("goes stale, and so fails the check above, when a script changes", () => {
    const root = scratchRoot();
    const script = join(root, "sdk", "job-scripts", "training", "train.py");
    writeFileSync(script, `${readFileSync(script, "utf8")}\n# changed\n`);
    expect(jobScriptsModule(root)).not.toBe(files[JOB_SCRIPTS_MODULE]);
  });
});
