// Memory of long-lived processes over a soak run: sampled from /proc, judged by comparing a late
// window with an early one (after warm-up), never by time.
//
// What is compared is RssAnon (anonymous resident memory: heaps, stacks, malloc arenas), not RSS.
// RSS also counts file-backed pages and shared memory; a PostgreSQL backend's RSS grows for a long
// time as it touches more of shared_buffers (shared memory is counted in RSS once a process touched
// it), which would read as growth. A leak in Node, Deno or a backend's private memory is anonymous.
import { readFileSync } from "node:fs";

export interface ProcessSample {
  pid: number;
  /** Which kind of process ("functions", "worker", "postgres backend", …) and what it is. */
  label: string;
  rssKb: number;
  anonKb: number;
}

export interface MemorySample {
  /** Progress of the run at the sample (jobs completed), which the windows are cut by. */
  progress: number;
  at: number;
  processes: ProcessSample[];
}

/** RSS and RssAnon of one process from /proc/<pid>/status (readable for every process); null once gone. */
export function readMemory(pid: number): { rssKb: number; anonKb: number } | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  const rssKb = field("VmRSS");
  const anonKb = field("RssAnon");
  return Number.isFinite(rssKb) && Number.isFinite(anonKb) ? { rssKb, anonKb } : null;
}

export function parentOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return null;
  }
}

export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    return "";
  }
}

export interface FlatnessRule {
  /** Share of the run (by progress) ignored as warm-up: JIT, pools, caches filling. */
  warmup: number;
  /** The early window ends here; the late window starts at `lateFrom`. */
  earlyTo: number;
  lateFrom: number;
  /** Allowed growth of the late median over the early median: ratio plus an absolute slack. */
  ratio: number;
  slackKb: number;
}

/**
 * The rule the soak applies. Medians, not maxima: a garbage collector's sawtooth moves single
 * samples by tens of MB; a leak moves the median of a whole window. The ratio leaves room for V8
 * sizing its heap up during the first ~1,000 jobs (measured in a 5,000-job run: a worker's RssAnon
 * 83 MB over the first 500 jobs, 108 MB over the next 500, then 90–135 MB to the end; the functions'
 * 100 → 123 → 131–151 MB). The slack absorbs the small absolute steps of small processes.
 */
export const SOAK_RULE: FlatnessRule = {
  warmup: 0.2,
  earlyTo: 0.4,
  lateFrom: 0.8,
  ratio: 1.5,
  slackKb: 16 * 1024,
};

export interface ProcessVerdict {
  pid: number;
  label: string;
  samples: number;
  earlyRssKb: number;
  lateRssKb: number;
  earlyAnonKb: number;
  lateAnonKb: number;
  limitAnonKb: number;
  flat: boolean;
}

export interface MemoryVerdict {
  /** Processes seen in both windows, each judged. */
  judged: ProcessVerdict[];
  /** Processes seen in only one window (a backend replaced by the pool, a worker started late). */
  unjudged: { pid: number; label: string }[];
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** Judges every process against `rule`; `total` is the progress of a finished run (jobs submitted). */
export function judgeMemory(
  samples: MemorySample[],
  total: number,
  rule: FlatnessRule = SOAK_RULE,
): MemoryVerdict {
  const inWindow = (s: MemorySample, from: number, to: number) =>
    s.progress >= from * total && s.progress <= to * total;
  const early = samples.filter((s) => inWindow(s, rule.warmup, rule.earlyTo));
  const late = samples.filter((s) => inWindow(s, rule.lateFrom, 1));
  const byPid = (window: MemorySample[]) => {
    const map = new Map<number, ProcessSample[]>();
    for (const s of window) for (const p of s.processes) map.set(p.pid, [...(map.get(p.pid) ?? []), p]);
    return map;
  };
  const earlyByPid = byPid(early);
  const lateByPid = byPid(late);
  const judged: ProcessVerdict[] = [];
  const unjudged: { pid: number; label: string }[] = [];
  for (const pid of new Set([...earlyByPid.keys(), ...lateByPid.keys()])) {
    const e = earlyByPid.get(pid);
    const l = lateByPid.get(pid);
    if (!e || !l) {
      unjudged.push({ pid, label: (e ?? l)![0]!.label });
      continue;
    }
    const earlyAnonKb = median(e.map((p) => p.anonKb));
    const lateAnonKb = median(l.map((p) => p.anonKb));
    const limitAnonKb = Math.round(earlyAnonKb * rule.ratio + rule.slackKb);
    judged.push({
      pid,
      label: e[0]!.label,
      samples: e.length + l.length,
      earlyRssKb: median(e.map((p) => p.rssKb)),
      lateRssKb: median(l.map((p) => p.rssKb)),
      earlyAnonKb,
      lateAnonKb,
      limitAnonKb,
      flat: lateAnonKb <= limitAnonKb,
    });
  }
  judged.sort((a, b) => a.label.localeCompare(b.label) || a.pid - b.pid);
  return { judged, unjudged };
}
