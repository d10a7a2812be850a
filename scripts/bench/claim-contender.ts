// What every queue in the claim benchmark provides: a one-time setup, a refill of N pending jobs
// (outside the timer), and a timed drain by W concurrent claimers that returns how many jobs
// were claimed and completed. Each claimer is one connection doing claim → complete in a loop.
import postgres from "postgres";

export interface DrainResult {
  claimed: number;
  seconds: number;
}

export interface Contender {
  name: string;
  /** What exactly one claim is, for the report. */
  describe: string;
  setup(): Promise<void>;
  fill(jobs: number): Promise<void>;
  drain(workers: number): Promise<DrainResult>;
  close(): Promise<void>;
}

export function connect(url: string, max = 1): postgres.Sql {
  return postgres(url, { max, onnotice: () => {} });
}

/** Opens `workers` connections, waits until all are up, then times `loop` running on all at once. */
export async function timedDrain(
  url: string,
  workers: number,
  loop: (conn: postgres.Sql, index: number) => Promise<number>,
): Promise<DrainResult> {
  const conns = Array.from({ length: workers }, () => connect(url));
  try {
    await Promise.all(conns.map((c) => c`select 1`));
    const started = performance.now();
    const counts = await Promise.all(conns.map((c, i) => loop(c, i)));
    const seconds = (performance.now() - started) / 1000;
    return { claimed: counts.reduce((a, b) => a + b, 0), seconds };
  } finally {
    await Promise.all(conns.map((c) => c.end({ timeout: 1 })));
  }
}

/** VACUUM ANALYZE between rounds so every round starts from the same table state. */
export async function vacuum(sql: postgres.Sql, tables: string[]): Promise<void> {
  for (const t of tables) await sql.unsafe(`vacuum analyze ${t}`);
}
