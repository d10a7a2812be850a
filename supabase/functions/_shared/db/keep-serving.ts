// postgres.js can throw from inside its own connection callbacks when the server goes away under
// it — outside any request, so no handler can catch it, and Deno ends the process on an uncaught
// error. Seen here with the database cut under load (tests/api/database-outage.test.ts):
// `TypeError: Cannot read properties of null (reading 'write')` and `Error: This socket has been
// ended by the other party`, both at postgres/src/connection.js `nextWrite` (a write scheduled with
// setImmediate that runs after the socket closed). The pool recovers on its own — the closed
// connection is replaced at the next query — so the right answer is to log and keep serving: the
// requests in flight already got their 503, and every other function in the process lives on.
// Web-standard events, so this works in Deno and Supabase's Edge Runtime; a no-op elsewhere.

interface EventTargetLike {
  addEventListener?: (type: string, listener: (event: Event & Record<string, unknown>) => void) => void;
}

export interface StrayErrorCounter {
  /** How many errors were kept from ending the process. */
  readonly count: number;
}

export function keepServingThroughStrayErrors(log: (line: string) => void): StrayErrorCounter {
  const state = { count: 0 };
  const target = globalThis as unknown as EventTargetLike;
  if (typeof target.addEventListener !== "function") return state;
  const report = (kind: string, error: unknown) => {
    state.count++;
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`kept serving after an ${kind} (the database pool replaces broken connections): ${text}`);
  };
  target.addEventListener("error", (event) => {
    event.preventDefault();
    report("uncaught error", event.error);
  });
  target.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    report("unhandled rejection", event.reason);
  });
  return state;
}
