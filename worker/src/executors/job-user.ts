// Who a job runs as under the process executor. A job must not reach its worker's credential
// (OPENWEIGHTS_WORKER_TOKEN): with it, it could claim the organization's other jobs, read their
// secrets and forge results (issue 11, item 2: an outside probe read it from the worker's
// /proc/<pid>/environ). Linux lets a process read another's environ, memory and open files only
// under the ptrace access rules: the same user id (and, for memory, Yama's ptrace_scope, which is
// absent on the machines measured here) — or CAP_SYS_PTRACE. So:
//   - worker running as root (RunPod pods, the local stack under root, CI): every job process
//     runs as the unprivileged user `openweights-job` (created when missing). It cannot read
//     root's processes (environ, cmdline is harmless: no secret is ever on a command line,
//     memory, fds) nor root's files; its run directory is handed to it (chown).
//   - worker running as an ordinary user: it cannot switch users, and a job under the same uid
//     can read the worker's environ; the worker says so at start (use root or the docker executor).
import { spawnSync } from "node:child_process";
import { chmod, chown, lstat, readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { LaunchError } from "./executor.ts";

export const DEFAULT_JOB_USER = "openweights-job";

export interface JobUser {
  name: string;
  uid: number;
  gid: number;
}

function lookup(name: string): JobUser | null {
  const uid = spawnSync("id", ["-u", name], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", name], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) return null;
  return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/**
 * The user jobs run as: null when this process is not root (it cannot switch) or when told to
 * run jobs as root (`OW_JOB_USER=root`). Creates the user when missing (useradd, else BusyBox's
 * adduser); throws when it can be neither found nor created — running jobs as root would hand
 * them the credential, so the worker refuses to start instead.
 */
export function resolveJobUser(name: string = DEFAULT_JOB_USER): JobUser | null {
  if (typeof process.getuid !== "function" || process.getuid() !== 0 || name === "root") return null;
  const found = lookup(name);
  if (found) return found;
  const attempts: [string, string[]][] = [
    [
      "useradd",
      [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        name,
      ],
    ],
    ["adduser", ["-S", "-D", "-H", "-s", "/sbin/nologin", name]],
  ];
  for (const [cmd, args] of attempts) {
    spawnSync(cmd, args, { stdio: "ignore" });
    const created = lookup(name);
    if (created) return created;
  }
  throw new Error(
    `cannot find or create the user ${name} that jobs run as (useradd/adduser failed); create it, or set OW_JOB_USER=root to run jobs as root, which lets them read the worker's credential`,
  );
}

/**
 * Hands a run directory (and everything in it; symlinks are not followed) to the job's user, and
 * makes the work root above it passable (o+x, not readable: a job cannot list other runs). A
 * directory further up that the user cannot pass (a worker under /root) fails the launch with a
 * message saying which, rather than a job that dies on its first file access.
 */
export async function handOver(runDir: string, user: JobUser, reachable: Set<string>): Promise<void> {
  const workRoot = dirname(runDir);
  if (!reachable.has(workRoot)) {
    const mode = (await stat(workRoot)).mode & 0o7777;
    if ((mode & 0o001) === 0) await chmod(workRoot, mode | 0o001);
    if (!canAccess(workRoot, user, "x"))
      throw new LaunchError(
        `the job user ${user.name} cannot reach ${workRoot}: set OW_WORK_DIR to a directory whose parents it can pass (e.g. under /var/tmp)`,
      );
    reachable.add(workRoot);
  }
  await chownTree(runDir, user);
}

/** Whether the job's user may pass (`x`) or write into (`w`) a directory, asked as that user. */
export function canAccess(path: string, user: JobUser, mode: "x" | "w"): boolean {
  return spawnSync("test", [`-${mode}`, path], { uid: user.uid, gid: user.gid }).status === 0;
}

export async function chownTree(path: string, user: JobUser): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink()) return;
  await chown(path, user.uid, user.gid);
  if (!stats.isDirectory()) return;
  for (const entry of await readdir(path)) await chownTree(join(path, entry), user);
}
