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

export class IgnoreList {
  private readonly matcher: Ignore;

  constructor(patternsText: string[]) {
    // add(string) splits a file's text into lines; add(array) would take each text as one pattern
    // case-sensitive, as git is on Linux (where jobs run): `[Tt]emp/` leaves `tEmp/` in
    this.matcher = ignore({ ignorecase: false });
    for (const text of patternsText) this.matcher.add(text);
  }

  /** `relativePath` uses `/` separators and is relative to the mounted directory. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    return this.matcher.ignores(isDirectory ? `${relativePath}/` : relativePath);
  }
}
