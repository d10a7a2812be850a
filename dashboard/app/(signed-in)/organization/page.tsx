"use client";
// The organization: name, members and their roles, and its limits and budgets against what it
// spends. What the caller may change follows its role as the api reports it (GET /api/me).
import { LimitsPanel } from "@/components/limits-panel.tsx";
import { MembersPanel } from "@/components/members-panel.tsx";
import { useSession } from "@/lib/session-context.tsx";
import { useAsync } from "@/lib/use-async.ts";

export default function OrganizationPage() {
  const { ow } = useSession();
  const me = useAsync(() => ow.organization.me(), [ow]);
  const isAdmin = me.data?.role === "admin";

  return (
    <>
      <h1>Organization {me.data?.organization.name}</h1>
      <p className="muted">
        id <code>{me.data?.organization.id}</code> · you are {me.data?.role}
      </p>
      {me.error && <p role="alert">{me.error}</p>}
      <MembersPanel ow={ow} isAdmin={isAdmin} />
      <LimitsPanel ow={ow} isAdmin={isAdmin} />
    </>
  );
}
