"use client";
// Logprob events (type `logprobs` / `logprobs_blockwise`, from the training callbacks and the
// logprob job): their tag, step and loss, and — where an event carries `tokens` and `logprobs`
// arrays — the tokens shaded by probability (darker = less likely), with the value on hover/focus.
import { TableHead } from "@/components/table-head.tsx";

interface LogprobEvent {
  run_id: string;
  seq: number;
  data: Record<string, unknown>;
}

function TokenStrip({ tokens, logprobs }: { tokens: string[]; logprobs: number[] }) {
  return (
    <p className="tokens">
      {tokens.map((t, i) => {
        const p = Math.exp(logprobs[i] ?? 0);
        return (
          <span
            // biome-ignore lint/suspicious/noArrayIndexKey: tokens repeat; position is identity
            key={i}
            title={`logprob ${(logprobs[i] ?? 0).toFixed(3)} (p=${p.toFixed(3)})`}
            style={{ background: `rgba(225, 87, 89, ${(1 - p).toFixed(2)})` }}
          >
            {t}
          </span>
        );
      })}
    </p>
  );
}

export function LogprobView({ events }: { events: readonly LogprobEvent[] }) {
  const logprobs = events.filter((e) => String(e.data.type ?? "").startsWith("logprobs"));
  if (logprobs.length === 0) return null;
  return (
    <section aria-label="Logprobs">
      <h2>Logprobs</h2>
      <table>
        <TableHead columns={["Run", "Type", "Tag", "Step", "Loss", "Tokens"]} />
        <tbody>
          {logprobs.map((e) => {
            const tokens = Array.isArray(e.data.tokens) ? (e.data.tokens as string[]) : null;
            const values = Array.isArray(e.data.logprobs) ? (e.data.logprobs as number[]) : null;
            return (
              <tr key={`${e.run_id}:${e.seq}`}>
                <td>{e.run_id.slice(0, 8)}</td>
                <td>{String(e.data.type)}</td>
                <td>{String(e.data.tag ?? "")}</td>
                <td>{String(e.data.step ?? "")}</td>
                <td>{typeof e.data.loss === "number" ? e.data.loss.toFixed(4) : ""}</td>
                <td>
                  {tokens && values ? (
                    <TokenStrip tokens={tokens} logprobs={values} />
                  ) : (
                    String(e.data.path ?? "")
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
