// Wakes long-polls on Postgres NOTIFY (see migration *_notifications.sql). One LISTEN per channel
// per process; waiters are keyed (organization id for jobs, run id for logs). A wait always also
// ends on its timeout, so a lost notification only delays, never hangs.
import type { Sql } from "./session.ts";

export type NotifyChannel = "ow_jobs" | "ow_logs";

export class Notifier {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly listening = new Map<NotifyChannel, Promise<unknown>>();

  constructor(private readonly sql: Sql) {}

  /** Resolves true when notified for key, false on timeout. */
  async wait(channel: NotifyChannel, key: string, timeoutMs: number): Promise<boolean> {
    // Not listening (the database is away, or LISTEN hangs while it comes back): the wait is just
    // the timeout, and callers poll; it never fails or outlasts its timeout because of LISTEN.
    const started = Date.now();
    const listening = await Promise.race([
      this.listen(channel).then(
        () => true,
        () => false,
      ),
      new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    if (!listening) {
      const left = timeoutMs - (Date.now() - started);
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
      return false;
    }
    timeoutMs -= Date.now() - started;
    const id = `${channel}:${key}`;
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = (notified: boolean) => {
        clearTimeout(timer);
        set.delete(wake);
        if (set.size === 0) this.waiters.delete(id);
        resolve(notified);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      set.add(wake);
    });
  }

  private listen(channel: NotifyChannel): Promise<unknown> {
    let ready = this.listening.get(channel);
    if (!ready) {
      ready = this.sql.listen(channel, (payload) => {
        for (const wake of [...(this.waiters.get(`${channel}:${payload}`) ?? [])]) wake();
      });
      this.listening.set(channel, ready);
      // A LISTEN that failed (database down) must not be cached: every later wait would fail with
      // it even after the database is back.
      ready.catch(() => {
        if (this.listening.get(channel) === ready) this.listening.delete(channel);
      });
    }
    return ready;
  }
}
