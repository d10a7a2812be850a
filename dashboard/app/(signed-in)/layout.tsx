"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { SessionProvider, useSession } from "@/lib/session-context.tsx";

const LINKS = [
  ["/jobs", "Jobs"],
  ["/workers", "Workers"],
  ["/tokens", "Tokens"],
  ["/secrets", "Secrets"],
  ["/organization", "Organization"],
] as const;

function Nav() {
  const path = usePathname();
  const { session, signOut } = useSession();
  return (
    <header className="top">
      <nav aria-label="Main">
        <strong>OpenWeights</strong>
        {LINKS.map(([href, label]) => (
          <Link key={href} href={href} aria-current={path.startsWith(href) ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <span className="muted" data-testid="org">
        org {session.organizationId?.slice(0, 8)} · {session.role} · live:{" "}
        {session.realtime ? "Realtime" : "long-poll"}
      </span>
      <button type="button" onClick={() => void signOut()}>
        Sign out
      </button>
    </header>
  );
}

export default function SignedInLayout({ children }: { children: ReactNode }) {
  return (
    <SessionProvider>
      <Nav />
      <main>{children}</main>
    </SessionProvider>
  );
}
