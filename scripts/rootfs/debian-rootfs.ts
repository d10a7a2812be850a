// A minimal Debian root filesystem for running a program with nothing of this machine around it
// (no Node, no repo, no toolchain): the stand-in for a container image when testing the
// self-contained worker. Built once with debootstrap into a cache outside the repository and
// reused (a warm CI run does not rebuild it). Chosen over other container-less options because
// debootstrap is one apt package and gives the exact userland `python:3.12-slim` is built on
// (Debian's minbase + python3, no curl or wget). Measured here: ~2 min cold, 0 s warm.
//   npx tsx scripts/rootfs/debian-rootfs.ts   → prints the rootfs path
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const ROOTFS_SUITE = "bookworm";
/** python3 and nothing to download with: the tool set of `python:3.12-slim`. */
export const ROOTFS_PACKAGES = ["python3"];
const MIRROR = "http://deb.debian.org/debian";

export function rootfsDir(env: Record<string, string | undefined> = process.env): string {
  const base = env.OW_ROOTFS_CACHE ?? "/var/cache/openweights/rootfs";
  return join(base, `${ROOTFS_SUITE}-minbase-${ROOTFS_PACKAGES.join("-")}`);
}

/** Why a rootfs cannot be built or entered here, or null when it can. */
export function rootfsUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "debootstrap and chroot need root";
  if (!existsSync("/usr/sbin/debootstrap"))
    return "debootstrap is not installed (apt-get install debootstrap)";
  return null;
}

/** The cached rootfs, built first if missing (a half-built one is never used: it is renamed into place). */
export function ensureRootfs(log: (line: string) => void = () => {}): string {
  const dir = rootfsDir();
  if (existsSync(join(dir, ".complete"))) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(dirname(dir), { recursive: true });
  const started = Date.now();
  log(`building ${dir} with debootstrap (minbase ${ROOTFS_SUITE} + ${ROOTFS_PACKAGES.join(", ")})`);
  execFileSync(
    "/usr/sbin/debootstrap",
    ["--variant=minbase", `--include=${ROOTFS_PACKAGES.join(",")}`, ROOTFS_SUITE, partial, MIRROR],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  writeFileSync(join(partial, ".complete"), `${new Date().toISOString()}\n`);
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  log(`rootfs ready in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return dir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = rootfsUnavailable();
  if (problem) {
    console.error(`debian-rootfs: ${problem}`);
    process.exit(2);
  }
  console.log(ensureRootfs((line) => console.error(line)));
}
