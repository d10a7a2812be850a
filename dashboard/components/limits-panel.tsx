"use client";
// The organization's limits and budgets next to what it spends: the worker cap and the dollar
// caps the scaler keeps (GET/PATCH /api/organization/limits), and live workers, burn rate and
// spend (GET /api/organization/usage). Admins change the caps here; an empty cap means none.
import type { OpenWeights } from "openweights";
import { type FormEvent, useState } from "react";
import { useAsync } from "@/lib/use-async.ts";

const usd = (value: number) => `$${value.toFixed(2)}`;
const cap = (value: number | null) => (value === null ? "no cap" : usd(value));

/** "" → null (no cap); otherwise the number typed. */
function dollars(value: FormDataEntryValue | null): number | null {
  const text = String(value ?? "").trim();
  return text === "" ? null : Number(text);
}

export function LimitsPanel({ ow, isAdmin }: { ow: OpenWeights; isAdmin: boolean }) {
  const limits = useAsync(() => ow.limits.retrieve(), [ow]);
  const usage = useAsync(() => ow.usage.retrieve(), [ow]);
  const [message, setMessage] = useState<string | null>(null);

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    try {
      await ow.limits.update({
        max_workers: Number(data.get("max_workers")),
        max_hourly_usd: dollars(data.get("max_hourly_usd")),
        max_daily_usd: dollars(data.get("max_daily_usd")),
      });
      setMessage("Limits saved");
      limits.reload();
      usage.reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  }

  const l = limits.data;
  const u = usage.data;
  return (
    <section aria-label="Limits and budgets" className="facts">
      <h2>Limits and budgets</h2>
      {l && u && (
        <dl data-testid="limits">
          <dt>Workers</dt>
          <dd>
            {u.live_workers} live of at most {l.max_workers}
          </dd>
          <dt>Burn rate</dt>
          <dd>{usd(u.burn_usd_per_hour)}/h</dd>
          <dt>Spent in the last hour</dt>
          <dd>
            {usd(u.spent_last_hour_usd)} (hourly cap: {cap(l.max_hourly_usd)})
          </dd>
          <dt>Spent today (UTC)</dt>
          <dd>
            {usd(u.spent_today_usd)} (daily cap: {cap(l.max_daily_usd)})
          </dd>
          {l.provisioning_paused_until && (
            <>
              <dt>New workers paused until</dt>
              <dd>{new Date(l.provisioning_paused_until).toLocaleString()}</dd>
            </>
          )}
        </dl>
      )}
      {l && isAdmin && (
        <form onSubmit={save} className="toolbar" aria-label="Change limits" key={l.updated_at}>
          <label>
            Max workers{" "}
            <input
              name="max_workers"
              type="number"
              min={0}
              max={1000}
              required
              defaultValue={l.max_workers}
            />
          </label>
          <label>
            Hourly cap ($){" "}
            <input
              name="max_hourly_usd"
              type="number"
              min={0}
              step="0.01"
              placeholder="no cap"
              defaultValue={l.max_hourly_usd ?? ""}
            />
          </label>
          <label>
            Daily cap ($){" "}
            <input
              name="max_daily_usd"
              type="number"
              min={0}
              step="0.01"
              placeholder="no cap"
              defaultValue={l.max_daily_usd ?? ""}
            />
          </label>
          <button type="submit">Save limits</button>
        </form>
      )}
      {message && <p role="status">{message}</p>}
      {(limits.error || usage.error) && <p role="alert">{limits.error ?? usage.error}</p>}
    </section>
  );
}
