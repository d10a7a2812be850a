"use client";
// Organization secrets: names only (values never come back); set or replace a value.
import type { Secret } from "openweights";
import { type FormEvent, useState } from "react";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

export default function SecretsPage() {
  const { ow } = useSession();
  const secrets = useAsync(async () => {
    const all: Secret[] = [];
    for await (const s of ow.secrets.list()) all.push(s);
    return all;
  }, [ow]);
  const [message, setMessage] = useState<string | null>(null);

  async function save(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const name = String(data.get("name") ?? "");
    try {
      await ow.secrets.set(name, String(data.get("value") ?? ""));
      setMessage(`Saved ${name}`);
      form.reset();
      secrets.reload();
    } catch (err) {
      setMessage(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <>
      <h1>Secrets</h1>
      <form onSubmit={save} className="toolbar" aria-label="Set a secret">
        <label>
          Name <input name="name" required pattern="[A-Za-z_][A-Za-z0-9_]*" placeholder="HF_TOKEN" />
        </label>
        <label>
          Value <input name="value" type="password" required autoComplete="off" />
        </label>
        <button type="submit">Set secret</button>
      </form>
      {message && <p role="status">{message}</p>}
      <table>
        <TableHead columns={["Name", "Updated"]} />
        <tbody>
          {(secrets.data ?? []).map((s) => (
            <tr key={s.name}>
              <td>
                <code>{s.name}</code>
              </td>
              <td>{new Date(s.updated_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {secrets.error && <p role="alert">{secrets.error}</p>}
    </>
  );
}
