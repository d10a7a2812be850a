/**
 * Which files a directory mount leaves out: always `.git`, `node_modules`, `__pycache__`, `.venv`,
 * plus the patterns in the mounted directory's `.owignore`, read with gitignore's own rules (the
 * `ignore` package, which follows git's documented semantics: users paste `.gitignore` lines).
 * As in git, a file inside an ignored directory cannot be re-included: the walk never enters it.
 */
import ignore, { type Ignore } from "ignore";

// .openweights/ holds a local stack's keys and database, and the worker reserves that name in a job's directory.
export const DEFAULT_IGNORES = [".git/", "node_modules/", "__pycache__/", ".venv/", ".openweights/"];
export const IGNORE_FILE = ".owignore";

/** Where ignore patterns came from, for saying which rule left a file out. */
export interface IgnoreSource {
  /** e.g. "built-in" or ".owignore". */
  origin: string;
  text: string;
}

export class IgnoreList {
  private readonly matcher: Ignore;

  /** Plain texts, or texts tagged with where they came from (`ruleFor` reports it). */
  constructor(patternsText: (string | IgnoreSource)[]) {
    // add(string) splits a file's text into lines; add(array) would take each text as one pattern
    // case-sensitive, as git is on Linux (where jobs run): `[Tt]emp/` leaves `tEmp/` in
    this.matcher = ignore({ ignorecase: false });
    for (const source of patternsText) {
      if (typeof source === "string") this.matcher.add(source);
      else
        this.matcher.add(
          source.text
            .split(/\r?\n/)
            .filter((line) => line.trim() !== "")
            .map((pattern) => ({ pattern, mark: source.origin })),
        );
    }
  }

  /** `relativePath` uses `/` separators and is relative to the mounted directory. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    return this.matcher.ignores(isDirectory ? `${relativePath}/` : relativePath);
  }

  /** The rule that leaves this path out, as `origin: pattern` (git check-ignore -v's rule), if any. */
  ruleFor(relativePath: string, isDirectory: boolean): string | undefined {
    const { rule } = this.matcher.test(isDirectory ? `${relativePath}/` : relativePath);
    return rule ? `${rule.mark ?? "pattern"}: ${rule.pattern}` : undefined;
  }
}
