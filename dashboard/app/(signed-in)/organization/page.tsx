"use client";
// The organization: name, members and their roles (Supabase Auth users; a token-only deployment
// has none), and its limits and budgets against what it spends.
import type { Member } from "openweights";
import { LimitsPanel } from "@/components/limits-panel.tsx";
import { TableHead } from "@/components/table-head.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

export default function OrganizationPage() {
  const { ow, session } = useSession();
  const me = useAsync(() => ow.organization.me(), [ow]);
  // The session's role: a token's, or the signed-in user's membership role (GET /organizations).
  const role = session.role ?? me.data?.role;
  const members = useAsync(async () => {
    const all: Member[] = [];
    for await (const m of ow.organization.members.list()) all.push(m);
    return all;
  }, [ow]);

  return (
    <>
      <h1>Organization {me.data?.organization.name}</h1>
      <p className="muted">
        id <code>{me.data?.organization.id}</code> · you are {role}
      </p>
      <h2>Members</h2>
      <table>
        <TableHead columns={["Email", "Role", "Since"]} />
        <tbody>
          {(members.data ?? []).map((m) => (
            <tr key={m.user_id}>
              <td>{m.email ?? m.user_id}</td>
              <td>{m.role}</td>
              <td>{new Date(m.created_at).toLocaleDateString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {members.data?.length === 0 && <p className="muted">No members yet (token-only organization).</p>}
      {members.error && <p role="alert">{members.error}</p>}
      <LimitsPanel ow={ow} isAdmin={role === "admin"} />
    </>
  );
}
