// The pod agent's note of the worker process groups it started, kept in a file so that an agent
// started after a crash of the previous one (SIGKILL leaves it no time to stop its workers, and
// workers are process groups of their own, so they outlive it) can end them: their worker rows are
// marked lost by the stack, so they may do nothing useful, and they would hold GPUs and memory.
// A pid is only signalled while its process's start time is the one recorded, so a pid reused by
// an unrelated process since is never touched.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { signalGroup } from "./worker-process.ts";

interface Entry {
  podId: string;
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): with the pid, names one process. */
  startTime: string;
}

/** The start time of a live process, or null when it is gone (or a zombie). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    return fields[19] ?? null; // field 22 overall; fields here start at field 3
  } catch {
    return null;
  }
}

export class PodLedger {
  private entries: Entry[] = [];

  constructor(private readonly file: string) {}

  /**
   * Ends every process group a previous agent recorded that still runs as recorded, then starts an
   * empty ledger. Returns the pod ids whose workers were ended.
   */
  endLeftovers(): string[] {
    let previous: Entry[] = [];
    try {
      previous = JSON.parse(readFileSync(this.file, "utf8")) as Entry[];
    } catch {
      // no ledger yet, or a torn one: nothing we can safely name
    }
    const ended: string[] = [];
    for (const entry of previous) {
      if (processStartTime(entry.pid) !== entry.startTime) continue;
      if (signalGroup(entry.pid, "SIGKILL", true)) ended.push(entry.podId);
    }
    this.entries = [];
    this.save();
    return ended;
  }

  record(podId: string, pid: number): void {
    const startTime = processStartTime(pid);
    if (startTime === null) return;
    // Entries of workers that have exited since are dropped, so the file stays small.
    this.entries = this.entries.filter((e) => processStartTime(e.pid) === e.startTime);
    this.entries.push({ podId, pid, startTime });
    this.save();
  }

  private save(): void {
    const tmp = `${this.file}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.entries), { mode: 0o600 });
    renameSync(tmp, this.file); // a crash mid-write leaves the previous ledger whole
  }
}
