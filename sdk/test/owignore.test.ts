// `.owignore` is read with gitignore's rules: a tree walked by the SDK leaves out exactly what git
// leaves out of the same tree with the same lines as its .gitignore (negation, character classes,
// escapes, anchoring, `**`, directory-only patterns), checked against git itself.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { walkDirectory } from "../src/node/files.ts";

const PASTED_GITIGNORE = [
  "# build output",
  "*.log",
  "!keep.log",
  "build/",
  "/root-only.txt",
  "docs/**/*.md",
  "!docs/keep/**",
  "[Tt]emp/",
  "\\#literal.txt",
  "data/*",
  "!data/wanted.csv",
  "*.tmp   ",
  "secret?.key",
  "",
].join("\n");

const FILES = [
  "main.py",
  "a.log",
  "keep.log",
  "sub/b.log",
  "sub/keep.log",
  "build/out.js",
  "src/build/x.js",
  "src/builder.js",
  "root-only.txt",
  "sub/root-only.txt",
  "docs/a.md",
  "docs/x/y/z.md",
  "docs/keep/k.md",
  "docs/readme.txt",
  "Temp/t.txt",
  "temp/t.txt",
  "tEmp/t.txt",
  "#literal.txt",
  "data/wanted.csv",
  "data/other.csv",
  "data/sub/deep.csv",
  "x.tmp",
  "secret1.key",
  "secret10.key",
];

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tree(ignoreFile: string): string {
  const root = mkdtempSync(join(tmpdir(), "ow-owignore-"));
  dirs.push(root);
  for (const f of FILES) {
    mkdirSync(dirname(join(root, f)), { recursive: true });
    writeFileSync(join(root, f), `${f}\n`);
  }
  writeFileSync(join(root, ignoreFile), PASTED_GITIGNORE);
  return root;
}

/** The files git would add from the same tree, the same lines being its .gitignore. */
function gitsView(): string[] {
  const root = tree(".gitignore");
  execFileSync("git", ["init", "-q"], { cwd: root });
  const out = execFileSync("git", ["ls-files", "--others", "--exclude-standard", "-z"], {
    cwd: root,
    encoding: "utf8",
  });
  return out
    .split("\0")
    .filter(Boolean)
    .map((f) => (f === ".gitignore" ? ".owignore" : f))
    .sort();
}

describe(".owignore follows gitignore", () => {
  it("leaves out exactly what git leaves out", async () => {
    const ours = await walkDirectory(tree(".owignore"));
    expect(ours).toEqual(gitsView());
  });

  it("re-includes negated files and honours classes, escapes and anchors", async () => {
    const ours = await walkDirectory(tree(".owignore"));
    expect(ours).toEqual([
      ".owignore",
      "data/wanted.csv",
      "docs/keep/k.md",
      "docs/readme.txt",
      "keep.log",
      "main.py",
      "secret10.key",
      "src/builder.js",
      "sub/keep.log",
      "sub/root-only.txt",
      "tEmp/t.txt",
    ]);
  });

  it("still walks past .git and node_modules without any .owignore", async () => {
    const root = mkdtempSync(join(tmpdir(), "ow-owignore-"));
    dirs.push(root);
    for (const f of ["a.py", ".git/HEAD", "node_modules/x/i.js", "pkg/__pycache__/m.pyc"]) {
      mkdirSync(dirname(join(root, f)), { recursive: true });
      writeFileSync(join(root, f), "x");
    }
    expect(await walkDirectory(root)).toEqual(["a.py"]);
  });
});
