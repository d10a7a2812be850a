// Keeps one part of the local stack running: when it ends without being asked to (a crash, a
// SIGKILL, the OOM killer), it is started again after a backoff that doubles with each failed try
// (0.5 s → 10 s) and starts over once the part has stayed up for a while. Every exit and every
// restart is logged, and `degraded()` says what is down right now, so `npm start` can tell.
//
// A part is anything with a start() that resolves once it serves and an `ended` promise that
// settles when it stops: a child process's exit, or a poll that finds a daemon gone (PostgreSQL
// under pg_ctl is not our child).

export interface Running {
  /** Settles with a short description ("exit code 1", "signal SIGKILL") when the part stops. */
  ended: Promise<string>;
  /** Stops the part on purpose (the supervisor is not told; call supervisor.stop() instead). */
  stop(): Promise<void>;
}

export interface SupervisorOptions<R extends Running> {
  name: string;
  start(): Promise<R>;
  /** Called after each restart, before the part counts as up again (e.g. to reconcile state). */
  afterRestart?(): Promise<void>;
  log(line: string): void;
  /** Backoff bounds in ms (defaults 500 → 10,000), and how long up resets it (30,000). */
  minDelayMs?: number;
  maxDelayMs?: number;
  stableMs?: number;
}

export interface RestartRecord {
  name: string;
  /** Why it stopped. */
  reason: string;
  endedAt: number;
  /** When it served again, or null while it is still down. */
  upAt: number | null;
  tries: number;
}

export interface Supervisor<R extends Running = Running> {
  readonly name: string;
  /** The part as it runs now (replaced at each restart). */
  current(): R;
  isDown(): boolean;
  restarts(): readonly RestartRecord[];
  stop(): Promise<void>;
}

export async function supervise<R extends Running>(options: SupervisorOptions<R>): Promise<Supervisor<R>> {
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const stableMs = options.stableMs ?? 30_000;
  let running = await options.start();
  let startedAt = Date.now();
  let stopping = false;
  let down = false;
  let delay = minDelay;
  let sleeper: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  const records: RestartRecord[] = [];

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      sleeper = { timer: setTimeout(resolve, ms), wake: resolve };
    }).finally(() => {
      sleeper = null;
    });

  const watch = async (): Promise<void> => {
    for (;;) {
      const reason = await running.ended;
      if (stopping) return;
      down = true;
      if (Date.now() - startedAt > stableMs) delay = minDelay;
      const record: RestartRecord = { name: options.name, reason, endedAt: Date.now(), upAt: null, tries: 0 };
      records.push(record);
      options.log(`supervisor: ${options.name} stopped (${reason}); degraded until it is back`);
      for (;;) {
        options.log(`supervisor: restarting ${options.name} in ${(delay / 1000).toFixed(1)} s`);
        await sleep(delay);
        if (stopping) return;
        delay = Math.min(delay * 2, maxDelay);
        record.tries += 1;
        try {
          running = await options.start();
          await options.afterRestart?.();
          break;
        } catch (error) {
          const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
          options.log(`supervisor: ${options.name} did not start (try ${record.tries}): ${message}`);
        }
      }
      if (stopping) {
        await running.stop();
        return;
      }
      startedAt = Date.now();
      record.upAt = startedAt;
      down = false;
      options.log(
        `supervisor: ${options.name} is back after ${((record.upAt - record.endedAt) / 1000).toFixed(1)} s`,
      );
    }
  };
  const watching = watch();

  return {
    name: options.name,
    current: () => running,
    isDown: () => down,
    restarts: () => records,
    async stop() {
      stopping = true;
      if (sleeper) {
        clearTimeout(sleeper.timer);
        sleeper.wake();
      }
      await running.stop();
      await watching;
    },
  };
}

/** The `ended` of a child process: its exit, described. */
export function childEnded(child: {
  exitCode: number | null;
  signalCode: NodeJS.Signals | null;
  once(event: "exit", listener: (code: number | null, signal: NodeJS.Signals | null) => void): unknown;
}): Promise<string> {
  const describe = (code: number | null, signal: NodeJS.Signals | null) =>
    signal ? `signal ${signal}` : `exit code ${code}`;
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve(describe(child.exitCode, child.signalCode));
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve(describe(code, signal))));
}

/** The `ended` of a daemon: polls `alive` until it answers false (or `stop` is called). */
export function pollEnded(
  alive: () => boolean,
  everyMs = 500,
): { ended: Promise<string>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let cancel = () => {};
  const ended = new Promise<string>((resolve) => {
    cancel = () => {
      clearInterval(timer);
      resolve("stopped");
    };
    timer = setInterval(() => {
      if (!alive()) {
        clearInterval(timer);
        resolve("the process is gone");
      }
    }, everyMs);
  });
  return { ended, cancel };
}
