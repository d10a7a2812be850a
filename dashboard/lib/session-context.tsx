"use client";
// The signed-in session in the page: the JWT lives in memory only (React state), is refreshed
// from /api/session a minute before it expires, and backs one SDK client (`openweights`) whose
// requests go through the same-origin /ow path.
import { useRouter } from "next/navigation";
import { OpenWeights } from "openweights";
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";

export interface Session {
  accessToken: string;
  expiresAt: number;
  organizationId: string | null;
  role: string | null;
  realtime: { url: string; key: string } | null;
}

interface SessionValue {
  session: Session;
  ow: OpenWeights;
  /** The current JWT (Realtime asks for it on every heartbeat, so a refreshed one is picked up). */
  accessToken(): string;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);
const REFRESH_BEFORE_MS = 60_000;

export async function fetchSession(): Promise<Session | null> {
  const res = await fetch("/api/session", { cache: "no-store" });
  return res.ok ? ((await res.json()) as Session) : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const router = useRouter();
  const [session, setSession] = useState<Session | null>(null);
  const latestToken = useRef("");
  const client = useRef<OpenWeights | null>(null);
  const currentToken = useCallback(() => latestToken.current, []);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const load = async () => {
      const next = await fetchSession().catch(() => null);
      if (stopped) return;
      if (!next)
        return router.replace(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
      latestToken.current = next.accessToken;
      setSession(next);
      const wait = Math.max(5_000, next.expiresAt * 1000 - Date.now() - REFRESH_BEFORE_MS);
      timer = setTimeout(load, wait);
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [router]);

  const value = useMemo<SessionValue | null>(() => {
    if (!session) return null;
    // One client for the page's life: its fetch sends the latest JWT, so a refresh never resets
    // what a view holds (a live job page stays open past the JWT's 15 minutes).
    client.current ??= new OpenWeights({
      apiKey: session.accessToken,
      baseURL: `${location.origin}/ow`,
      maxRetries: 1,
      fetch: (input, init) => {
        const headers = new Headers(init?.headers);
        headers.set("authorization", `Bearer ${latestToken.current}`);
        return fetch(input, { ...init, headers });
      },
    });
    return {
      session,
      ow: client.current,
      accessToken: currentToken,
      async signOut() {
        await fetch("/api/session", { method: "DELETE" });
        router.replace("/login");
      },
    };
  }, [session, router, currentToken]);

  if (!value)
    return (
      <p role="status" className="muted">
        Loading your session…
      </p>
    );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
