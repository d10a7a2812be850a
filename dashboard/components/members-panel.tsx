"use client";
// The organization's members (Supabase Auth users; a token-only deployment has none): everyone
// sees them; an admin adds one by email, changes a role and removes a member. The rules are the
// api's (PATCH/DELETE /members/:user_id, admin only; the database keeps at least one admin and
// answers 409 otherwise), so a refusal is shown as the api's message, never guessed here.
import type { Member, OpenWeights } from "openweights";
import { type FormEvent, useState } from "react";
import { FormError } from "@/components/form-error.tsx";
import { TableHead } from "@/components/table-head.tsx";
import { useAsync } from "@/lib/use-async.ts";

const ROLES = ["member", "admin"] as const;

export function MembersPanel({ ow, isAdmin }: { ow: OpenWeights; isAdmin: boolean }) {
  const members = useAsync(async () => {
    const all: Member[] = [];
    for await (const m of ow.organization.members.list()) all.push(m);
    return all;
  }, [ow]);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  async function act(what: () => Promise<unknown>, done: string) {
    setError(null);
    setNote(null);
    try {
      await what();
      setNote(done);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    members.reload();
  }

  async function add(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "");
    const role = data.get("role") === "admin" ? "admin" : "member";
    await act(() => ow.organization.members.add({ email, role }), `Added ${email}`);
    form.reset();
  }

  const name = (m: Member) => m.email ?? m.user_id;
  return (
    <section aria-labelledby="members-heading">
      <h2 id="members-heading">Members</h2>
      {isAdmin && (
        <form onSubmit={add} className="toolbar" aria-label="Add a member">
          <label>
            Member email <input name="email" type="email" required autoComplete="off" />
          </label>
          <label>
            New member's role{" "}
            <select name="role" defaultValue="member">
              {ROLES.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </label>
          <button type="submit">Add member</button>
        </form>
      )}
      <FormError error={error} />
      {note && <p role="status">{note}</p>}
      <table>
        <TableHead columns={["Email", "Role", "Since"]} actions={isAdmin} />
        <tbody>
          {(members.data ?? []).map((m) => (
            <tr key={m.user_id} data-testid="member-row">
              <td>{name(m)}</td>
              <td>
                {isAdmin ? (
                  <select
                    aria-label={`Role of ${name(m)}`}
                    value={m.role}
                    onChange={(e) =>
                      void act(
                        () =>
                          ow.organization.members.update(m.user_id, {
                            role: e.target.value === "admin" ? "admin" : "member",
                          }),
                        `${name(m)} is now ${e.target.value}`,
                      )
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                ) : (
                  m.role
                )}
              </td>
              <td>{new Date(m.created_at).toLocaleDateString()}</td>
              {isAdmin && (
                <td>
                  <button
                    type="button"
                    aria-label={`Remove ${name(m)}`}
                    onClick={() =>
                      void act(() => ow.organization.members.remove(m.user_id), `Removed ${name(m)}`)
                    }
                  >
                    Remove
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {members.data?.length === 0 && <p className="muted">No members yet (token-only organization).</p>}
      {members.error && <p role="alert">{members.error}</p>}
    </section>
  );
}
