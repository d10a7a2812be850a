// A job running as the unprivileged job user must be able to fill the Hugging Face cache the pod's
// image points it at (HF_HOME on the volume, created by root or not yet created at all): before,
// every model download of a job on a RunPod pod failed with EACCES. Needs root to switch users, as
// the worker does on a pod (CI runs as root); as another user the worker cannot hand anything over.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { prepareJobCaches } from "./job-caches.ts";
import { type JobUser, resolveJobUser } from "./job-user.ts";

let root: string;
beforeEach(() => {
  // A root-owned, world-passable parent, like /workspace on a pod's volume.
  root = mkdtempSync(join(tmpdir(), "ow-job-caches-"));
  spawnSync("chmod", ["755", root]);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const writeAs = (user: JobUser, dir: string) =>
  spawnSync("sh", ["-c", 'mkdir -p "$1/hub/models--a--b" && echo x > "$1/hub/models--a--b/f"', "sh", dir], {
    uid: user.uid,
    gid: user.gid,
  }).status;

describe("shared caches under a separate job user", () => {
  const user = resolveJobUser();

  it("runs as root here, as the worker on a pod does", () => {
    expect(process.getuid?.()).toBe(0);
    expect(user).not.toBeNull();
  });

  it("creates the caches the worker's env names and hands them to the job user", async () => {
    const jobUser = user as JobUser;
    const hf = join(root, "hf");
    const torch = join(root, "torch");
    mkdirSync(torch); // one that exists, root's
    expect(writeAs(jobUser, hf)).not.toBe(0); // what a job met before
    const prepared = await prepareJobCaches({ HF_HOME: hf, TORCH_HOME: torch }, jobUser, join(root, "runs"));
    expect(prepared).toEqual({ ready: [hf, torch], skipped: [] });
    expect(writeAs(jobUser, hf)).toBe(0);
    expect(writeAs(jobUser, torch)).toBe(0);
  });

  it("never hands over the work root, what holds it, or a relative path", async () => {
    const runs = join(root, "runs");
    const prepared = await prepareJobCaches(
      { HF_HOME: root, TORCH_HOME: runs, XDG_CACHE_HOME: "cache", PIP_CACHE_DIR: "/" },
      user as JobUser,
      runs,
    );
    expect(prepared.ready).toEqual([]);
    expect(prepared.skipped.map((s) => s.name)).toEqual([
      "HF_HOME",
      "TORCH_HOME",
      "XDG_CACHE_HOME",
      "PIP_CACHE_DIR",
    ]);
    expect(writeAs(user as JobUser, root)).not.toBe(0);
  });
});
