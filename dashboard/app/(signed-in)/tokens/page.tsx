"use client";
// API tokens: create (the secret is shown once, here, and never again) and revoke.
import type { ApiToken, CreatedToken } from "openweights";
import { type FormEvent, useState } from "react";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

export default function TokensPage() {
  const { ow } = useSession();
  const tokens = useAsync(async () => {
    const all: ApiToken[] = [];
    for await (const t of ow.tokens.list()) all.push(t);
    return all;
  }, [ow]);
  const [created, setCreated] = useState<CreatedToken | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const days = Number(form.get("days") ?? 0);
    try {
      setError(null);
      setCreated(
        await ow.tokens.create({
          name: String(form.get("name") ?? ""),
          role: String(form.get("role") ?? "member") as "admin" | "member" | "worker",
          ...(days > 0 ? { expires_in_days: days } : {}),
        }),
      );
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  async function revoke(id: string) {
    try {
      await ow.tokens.revoke(id);
      tokens.reload();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  return (
    <>
      <h1>API tokens</h1>
      <form onSubmit={create} className="toolbar" aria-label="Create a token">
        <label>
          Name <input name="name" required maxLength={100} />
        </label>
        <label>
          Role{" "}
          <select name="role" defaultValue="member">
            <option value="member">member</option>
            <option value="admin">admin</option>
            <option value="worker">worker</option>
          </select>
        </label>
        <label>
          Expires in days <input name="days" type="number" min={0} max={3650} defaultValue={0} />
        </label>
        <button type="submit">Create token</button>
      </form>
      {error && <p role="alert">{error}</p>}
      {created && (
        <div role="status" className="secret-once">
          <p>
            Token <strong>{created.name}</strong> created. Copy it now — it is shown only once:
          </p>
          <code data-testid="new-token">{created.token}</code>
        </div>
      )}
      <table>
        <TableHead columns={["Name", "Prefix", "Role", "Expires", "Last used", "State"]} actions />
        <tbody>
          {(tokens.data ?? []).map((t) => (
            <tr key={t.id} data-testid="token-row">
              <td>{t.name}</td>
              <td>
                <code>{t.prefix}</code>
              </td>
              <td>{t.role}</td>
              <td>{t.expires_at ? new Date(t.expires_at).toLocaleDateString() : "never"}</td>
              <td>{t.last_used_at ? new Date(t.last_used_at).toLocaleString() : ""}</td>
              <td>{t.revoked_at ? "revoked" : "active"}</td>
              <td>
                {!t.revoked_at && (
                  <button
                    type="button"
                    aria-label={`Revoke token ${t.name}`}
                    onClick={() => void revoke(t.id)}
                  >
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.error && <p role="alert">{tokens.error}</p>}
    </>
  );
}
