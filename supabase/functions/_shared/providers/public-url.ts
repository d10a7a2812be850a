// Where a port opened inside a pod is reachable from outside, per provider. One home for the rule:
// the worker computes it and hands it to jobs (OPENWEIGHTS_PUBLIC_URL); a serving job reports it as
// its `base_url`; the RunPod pod spec exposes SERVING_PORT so the proxy URL below answers.
//
// RunPod's HTTP proxy publishes an exposed HTTP port `p` of pod `id` as
// `https://{id}-{p}.proxy.runpod.net` (RunPod docs, "Expose ports", docs.runpod.io/pods/configuration/expose-ports,
// read 2026-12-03). A local worker's pod is this machine: loopback (or the host the operator names).
// Runtime-neutral: no Deno.* or node:* here.

/** The port a serving job listens on inside a RunPod pod; the pod spec must expose it as `8000/http`. */
export const SERVING_PORT = 8000;

export type PublicEndpoint = { provider: "runpod"; podId: string } | { provider: "local"; host: string };

// A pod id becomes the first DNS label of the proxy host (RunPod's are lowercase alphanumerics, e.g.
// "x1b2c3d4e5f6g7"); anything that is not one DNS label could point the URL at another host, so it
// is refused rather than escaped. The worker checks RUNPOD_POD_ID against this at start-up.
export const POD_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])$/;

export class PublicUrlError extends Error {
  override readonly name = "PublicUrlError";
}

/** The base URL (no trailing slash, no path) at which `port` inside the pod is reached. */
export function publicPortUrl(endpoint: PublicEndpoint, port: number): string {
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new PublicUrlError(`port must be an integer in 1..65535, got ${port}`);
  switch (endpoint.provider) {
    case "runpod":
      if (!POD_ID_PATTERN.test(endpoint.podId))
        throw new PublicUrlError(
          `runpod pod id must be one DNS label (${POD_ID_PATTERN}), got ${JSON.stringify(endpoint.podId)}`,
        );
      return `https://${endpoint.podId}-${port}.proxy.runpod.net`;
    case "local":
      if (!HOST.test(endpoint.host))
        throw new PublicUrlError(
          `local host must be a hostname or address, got ${JSON.stringify(endpoint.host)}`,
        );
      return `http://${endpoint.host}:${port}`;
  }
}

/** The RunPod proxy address of a port on a pod (used when the event carries no URL). */
export function runpodProxyUrl(podId: string, port: number): string {
  return `${publicPortUrl({ provider: "runpod", podId }, port)}/v1`;
}
