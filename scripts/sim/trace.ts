// Job traces for the simulator: a JSON array, `{ "jobs": [...] }`, or JSON Lines, one job each:
//   { "arrival": s, "duration": s, "vramGb": GB, "image": "...", "org"?: "...",
//     "allowedHardware"?: ["1x H100S", ...], "priority"?: n, "id"?: "...",
//     "kind"?: "training" | "inference", "timeout"?: s }
// Times are seconds from the start of the trace. `duration` is the run time on the reference pod
// (the fewest A100 SXM cards that hold the job); the world scales it to the pod that runs it.
// `kind` defaults to inference for vLLM images, training otherwise.
import { z } from "zod";

export const TraceJob = z.object({
  id: z.string().min(1).optional(),
  arrival: z.number().finite().nonnegative(),
  duration: z.number().finite().positive(),
  vramGb: z.number().finite().nonnegative(),
  image: z.string().min(1),
  org: z.string().min(1).default("org-1"),
  allowedHardware: z.array(z.string()).nullable().optional(),
  priority: z.number().int().default(0),
  kind: z.enum(["training", "inference"]).optional(),
  timeout: z.number().finite().positive().optional(),
});
export type TraceJob = z.infer<typeof TraceJob>;

export interface SimTraceJob extends TraceJob {
  readonly id: string;
}

function records(text: string): unknown[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    try {
      const whole: unknown = JSON.parse(trimmed);
      if (Array.isArray(whole)) return whole;
      if (whole && typeof whole === "object" && Array.isArray((whole as { jobs?: unknown }).jobs)) {
        return (whole as { jobs: unknown[] }).jobs;
      }
      if (whole && typeof whole === "object") return [whole];
    } catch {
      // not one JSON document: fall through to JSON Lines
    }
  }
  return trimmed
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("//"))
    .map((line, index) => {
      try {
        return JSON.parse(line) as unknown;
      } catch {
        throw new Error(`trace line ${index + 1}: not JSON: ${line.slice(0, 80)}`);
      }
    });
}

/** Parses a trace; jobs get ids `job-0001`… in arrival order unless they bring their own. */
export function parseTrace(text: string): SimTraceJob[] {
  const problems: string[] = [];
  const jobs: TraceJob[] = [];
  records(text).forEach((record, index) => {
    const parsed = TraceJob.safeParse(record);
    if (parsed.success) jobs.push(parsed.data);
    else
      problems.push(
        `job ${index + 1}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
  });
  if (problems.length > 0) throw new Error(`invalid trace:\n${problems.join("\n")}`);
  const ordered = jobs
    .map((job, index) => ({ job, index }))
    .sort((a, b) => a.job.arrival - b.job.arrival || a.index - b.index);
  const ids = new Set<string>();
  return ordered.map(({ job }, n) => {
    const id = job.id ?? `job-${String(n + 1).padStart(4, "0")}`;
    if (ids.has(id)) throw new Error(`invalid trace: duplicate job id ${id}`);
    ids.add(id);
    return { ...job, id };
  });
}
