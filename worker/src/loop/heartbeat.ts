import type { HeartbeatResponse } from "@contract";
import type { WorkerApi } from "../api/worker-api.ts";
import { WorkerApiError } from "../api/worker-api-error.ts";
import type { Clock } from "../util/clock.ts";
import type { Logger } from "../util/logger.ts";

export interface HeartbeatOptions {
  api: WorkerApi;
  clock: Clock;
  logger: Logger;
  intervalMs: number;
  /** The runs this worker holds now (their leases are renewed). */
  runIds(): string[];
  /** New cached-model list to report, or undefined when unchanged since the last beat. */
  cachedModels(): string[] | undefined;
  onResponse(response: HeartbeatResponse): void;
  /** The API refuses the worker's token: it has been terminated on the server's side. */
  onCredentialsRejected(error: WorkerApiError): void;
}

/**
 * Renews the leases every `intervalMs`, idle or busy, and hands the server's directives back.
 * A failed beat is only logged: the next one may succeed, and if the lease does expire the next
 * fenced write answers 409 and the run is stopped there.
 */
export function startHeartbeat(options: HeartbeatOptions): { stop(): Promise<void>; beatNow(): void } {
  const stopped = new AbortController();
  let wake: AbortController | null = null;
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      await beat(options, stopped.signal);
      wake = new AbortController();
      await options.clock.sleep(options.intervalMs, AbortSignal.any([stopped.signal, wake.signal]));
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
    },
    beatNow() {
      wake?.abort();
    },
  };
}

async function beat(options: HeartbeatOptions, signal: AbortSignal): Promise<void> {
  const models = options.cachedModels();
  try {
    const response = await options.api.heartbeat(options.runIds(), models, signal);
    options.onResponse(response);
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof WorkerApiError && error.credentialsRejected) options.onCredentialsRejected(error);
    else options.logger.warn("heartbeat failed", { error });
  }
}
