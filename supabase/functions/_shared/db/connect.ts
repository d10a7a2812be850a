import postgres from "postgres";
import type { Sql } from "./session.ts";

/** One pool per function instance. int8 columns (file sizes, event ids) arrive as numbers. */
export function connectDatabase(url: string, max = 10): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    // postgres.js waits up to 20 s before reusing a connection slot after an error, growing with
    // the errors of the whole pool: after a database restart, requests queued behind those slots
    // for ~100 s (tests/api/database-outage.test.ts). A restart here takes about a second, so
    // retry fast and answer 503 meanwhile.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    connect_timeout: 10,
    prepare: !url.includes(":6543"), // Supavisor transaction mode (port 6543) cannot keep prepared statements
    onnotice: () => {},
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (x: number | bigint) => x.toString(),
        parse: (x: string) => Number(x),
      },
    },
  });
}
