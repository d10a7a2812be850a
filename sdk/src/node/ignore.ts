/**
 * Which files a directory mount leaves out: always `.git`, `node_modules`, `__pycache__`, `.venv`,
 * plus the patterns in the mounted directory's `.owignore` (a gitignore subset: `#` comments,
 * `*`, `**`, `?`, trailing `/` for directories, leading `/` or an inner `/` to anchor, `!` to
 * re-include; the last matching pattern wins).
 */
// .openweights/ holds a local stack's keys and database, and the worker reserves that name in a job's directory.
export const DEFAULT_IGNORES = [".git/", "node_modules/", "__pycache__/", ".venv/", ".openweights/"];
export const IGNORE_FILE = ".owignore";

interface Rule {
  regex: RegExp;
  negate: boolean;
  dirOnly: boolean;
}

function globToRegex(glob: string, anchored: boolean): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += glob[i + 2] === "/" ? "(?:.*/)?" : ".*";
      i += glob[i + 2] === "/" ? 2 : 1;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(anchored ? `^${out}$` : `(?:^|/)${out}$`);
}

export function parseIgnore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith("/");
    line = line.replace(/\/+$/, "");
    const anchored = line.includes("/");
    line = line.replace(/^\//, "");
    if (line) rules.push({ regex: globToRegex(line, anchored), negate, dirOnly });
  }
  return rules;
}

export class IgnoreList {
  private readonly rules: Rule[];

  constructor(patternsText: string[]) {
    this.rules = patternsText.flatMap(parseIgnore);
  }

  /** `relativePath` uses `/` separators and is relative to the mounted directory. */
  ignores(relativePath: string, isDirectory: boolean): boolean {
    let ignored = false;
    for (const rule of this.rules) {
      if (rule.dirOnly && !isDirectory) continue;
      if (rule.regex.test(relativePath)) ignored = !rule.negate;
    }
    return ignored;
  }
}
