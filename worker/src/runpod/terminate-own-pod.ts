// On RunPod the worker ends its own pod when it exits, with the pod-scoped RUNPOD_API_KEY that
// RunPod injects (wire-formats §3.5) — the pod never holds the organization's account key. The
// scaler also reconciles pods against workers, so this is the fast path, not the only one.
// RunPod REST v2: `DELETE /v2/pods/{podId}` with a bearer key (the scaler's provider uses the same).

export interface TerminateOwnPodOptions {
  podId: string;
  apiKey: string;
  /** `https://api.runpod.io/v2` unless overridden (tests, a proxy). */
  restUrl: string;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export type TerminateResult =
  | { ok: true; status: number }
  | { ok: false; status: number | null; message: string };

export async function terminateOwnPod(options: TerminateOwnPodOptions): Promise<TerminateResult> {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.restUrl.replace(/\/+$/, "")}/pods/${encodeURIComponent(options.podId)}`;
  try {
    const response = await doFetch(url, {
      method: "DELETE",
      headers: { authorization: `Bearer ${options.apiKey}`, accept: "application/json" },
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    // 404: already gone, which is what we wanted.
    if (response.ok || response.status === 404) return { ok: true, status: response.status };
    const text = await response.text().catch(() => "");
    return { ok: false, status: response.status, message: text.slice(0, 300) };
  } catch (error) {
    return { ok: false, status: null, message: String(error) };
  }
}
