"use client";
import { useEffect, useMemo, useSyncExternalStore } from "react";
import { LiveJob } from "./live-job.ts";
import { realtimeClient } from "./realtime-client.ts";
import { useSession } from "./session-context.tsx";

/** A LiveJob for the page's lifetime, and its snapshot (re-rendering on every change). */
export function useLiveJob(jobId: string) {
  const { ow, session, accessToken } = useSession();
  // ow and accessToken are stable for the page's life (they always use the latest JWT), so a
  // token refresh keeps the LiveJob and what it holds.
  const url = session.realtime?.url;
  const key = session.realtime?.key;
  const live = useMemo(
    () => new LiveJob(ow, jobId, realtimeClient(url && key ? { url, key } : null, accessToken)),
    [ow, jobId, url, key, accessToken],
  );
  useEffect(() => {
    live.start();
    return () => live.stop();
  }, [live]);
  const state = useSyncExternalStore(
    live.subscribe,
    () => live.state,
    () => live.state,
  );
  return { live, state };
}
