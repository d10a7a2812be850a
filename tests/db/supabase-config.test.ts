// supabase/config.toml is what `supabase start` / `supabase functions serve` / `deploy` read: it
// must declare exactly the functions that exist (a declared but missing function fails them).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/db/migrate.ts";

describe("supabase/config.toml", () => {
  it("declares exactly the functions that have a directory with an index.ts", () => {
    const toml = readFileSync(join(repoRoot, "supabase", "config.toml"), "utf8");
    const declared = [...toml.matchAll(/^\[functions\.([\w-]+)\]$/gm)].map((m) => m[1]).sort();
    const dir = join(repoRoot, "supabase", "functions");
    const existing = readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith("_"))
      .filter((d) => readdirSync(join(dir, d.name)).includes("index.ts"))
      .map((d) => d.name)
      .sort();
    expect(existing.length).toBeGreaterThan(0);
    expect(declared).toEqual(existing);
  });
});
