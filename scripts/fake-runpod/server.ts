// A fake of RunPod's REST API v2, for tests and the local stack. It serves the subset our provider
// uses — /v2/pods (list, create), /v2/pods/{id} (get, delete), /v2/catalog/gpus — with RunPod's
// published shapes: bearer auth, RFC 9457 `application/problem+json` errors, RateLimit headers,
// 422 schema errors vs 400 handler rules, 402 insufficient balance, 429 with Retry-After, and the
// string-only "no longer any instances available" 400 for capacity.
// Test switches: mutate `state` in-process, or `POST /__control` (no auth; 127.0.0.1 only).
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, listenLocal, readJsonBody, sendJson } from "../local/json-http.ts";
import {
  cpuHourlyPrice,
  createFakeState,
  type FakeGpuType,
  type FakePod,
  type FakePodStatus,
  type FakeRunPodState,
  gpuTypeJson,
  newPodId,
  observePod,
  podJson,
} from "./fake-state.ts";
import { validateCreatePodRequest } from "./validate-create-pod.ts";

export const NO_CAPACITY_DETAIL =
  "There are no longer any instances available with the requested specifications. Please refresh and try again.";

export interface FakeRunPodOptions {
  port?: number;
  apiKey: string;
  gpuTypes?: readonly FakeGpuType[];
}

export interface FakeRunPod {
  /** Server root; the v2 REST base is `${url}/v2`. */
  url: string;
  state: FakeRunPodState;
  close(): Promise<void>;
}

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  404: "Not Found",
  405: "Method Not Allowed",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  503: "Service Unavailable",
};

function problem(
  res: ServerResponse,
  status: number,
  detail: string,
  extra: { errors?: string[]; headers?: Record<string, string> } = {},
): void {
  const body = {
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  sendJson(res, status, body, extra.headers, "application/problem+json");
}

// Static numbers from the spec's example policy; the fake does not count real usage.
const RATE_LIMIT_POLICY = '"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400';
const RATE_LIMIT_OK = '"minute";r=59;t=60, "hour";r=2999;t=3600, "day";r=49999;t=86400';

export async function startFakeRunPod(options: FakeRunPodOptions): Promise<FakeRunPod> {
  const state = createFakeState(options.apiKey, options.gpuTypes);
  const server = await listenLocal((req, res) => handle(state, req, res), options.port ?? 0);
  return { url: server.url, state, close: server.close };
}

async function handle(state: FakeRunPodState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://fake.invalid");
  const method = req.method ?? "GET";
  state.requests.push({ method, path: url.pathname });
  if (url.pathname === "/__control") return control(state, req, res);

  const token = bearerToken(req);
  if (token === null) return problem(res, 401, "missing bearer token");
  if (token !== state.apiKey) return problem(res, 401, "invalid api key");
  if (state.rateLimitNext > 0) {
    state.rateLimitNext -= 1;
    return rateLimited(state, res);
  }
  if (state.failNext > 0) {
    state.failNext -= 1;
    return problem(res, 503, "upstream temporarily unavailable");
  }
  res.setHeader("RateLimit", RATE_LIMIT_OK);
  res.setHeader("RateLimit-Policy", RATE_LIMIT_POLICY);
  return route(state, method, url, req, res);
}

function rateLimited(state: FakeRunPodState, res: ServerResponse): void {
  const wait = state.retryAfterSeconds ?? 12;
  const headers: Record<string, string> = {
    RateLimit: `"minute";r=0;t=${wait}, "hour";r=2800;t=1812, "day";r=49500;t=45012`,
    "RateLimit-Policy": RATE_LIMIT_POLICY,
  };
  if (state.retryAfterSeconds !== null) headers["Retry-After"] = String(state.retryAfterSeconds);
  problem(res, 429, "rate limit exceeded for the minute window", { headers });
}

async function route(
  state: FakeRunPodState,
  method: string,
  url: URL,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const path = url.pathname.replace(/\/+$/, "");
  const notAllowed = (allow: string) =>
    problem(res, 405, "The requested method is not allowed for this path.", { headers: { Allow: allow } });

  if (path === "/v2/pods") {
    if (method === "GET") return listPods(state, res);
    if (method === "POST") return createPod(state, req, res);
    return notAllowed("GET, POST");
  }
  const podMatch = /^\/v2\/pods\/([^/]+)$/.exec(path);
  if (podMatch?.[1] !== undefined) {
    const id = decodeURIComponent(podMatch[1]);
    if (method === "GET") return getPod(state, id, res);
    if (method === "DELETE") return deletePod(state, id, res);
    return notAllowed("GET, DELETE");
  }
  if (path === "/v2/catalog/gpus") {
    if (method !== "GET") return notAllowed("GET");
    return listGpuTypes(state, url, res);
  }
  return problem(res, 404, "resource not found");
}

function listPods(state: FakeRunPodState, res: ServerResponse): void {
  const pods = [...state.pods.values()];
  for (const pod of pods) observePod(state, pod);
  sendJson(res, 200, { pods: pods.map(podJson) });
}

function getPod(state: FakeRunPodState, id: string, res: ServerResponse): void {
  const pod = state.pods.get(id);
  if (pod === undefined) {
    problem(res, 404, "pod not found");
    return;
  }
  observePod(state, pod);
  sendJson(res, 200, podJson(pod));
}

function deletePod(state: FakeRunPodState, id: string, res: ServerResponse): void {
  if (state.pods.delete(id)) {
    state.deleted.push(id);
    sendJson(res, 204, null);
  } else {
    problem(res, 404, "pod not found");
  }
}

async function createPod(state: FakeRunPodState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJsonBody(req);
  if (!body.ok) return problem(res, 400, `request body could not be read: ${body.reason.replace("_", " ")}`);
  const validation = validateCreatePodRequest(body.value);
  if (!validation.ok) {
    return problem(
      res,
      validation.status,
      validation.detail,
      validation.errors ? { errors: validation.errors } : {},
    );
  }
  const request = body.value as CreatePodBody;
  let gpuType: FakeGpuType | undefined;
  if (request.gpu) {
    gpuType = state.gpuTypes.find((g) => g.id === request.gpu?.id);
    if (gpuType === undefined) return problem(res, 400, `unknown GPU type '${request.gpu.id}'`);
    if ((request.gpu.count ?? 1) > gpuType.maxCount) {
      return problem(res, 400, `gpu.count exceeds the maximum of ${gpuType.maxCount} for '${gpuType.id}'`);
    }
  }
  if (state.spendingLimit) return problem(res, 402, "insufficient balance: add funds to create this pod");
  if (gpuType && state.noCapacity.has(gpuType.id)) return problem(res, 400, NO_CAPACITY_DETAIL);
  const pod = newPod(request, gpuType);
  state.pods.set(pod.id, pod);
  sendJson(res, 201, podJson(pod));
}

interface CreatePodBody {
  name: string;
  image: string;
  args?: string;
  disk?: number;
  ports?: string[];
  env?: Record<string, string>;
  registry?: string | null;
  mounts?: Record<string, unknown>;
  gpu?: { id: string; count?: number };
  cpu?: { id: string; vcpuCount: number };
  cloud?: "SECURE" | "COMMUNITY";
}

function newPod(request: CreatePodBody, gpuType: FakeGpuType | undefined): FakePod {
  const cloud = request.cloud ?? "SECURE";
  const count = request.gpu?.count ?? 1;
  const price = gpuType
    ? count * (cloud === "SECURE" ? gpuType.securePrice : gpuType.communityPrice)
    : cpuHourlyPrice(request.cpu?.vcpuCount ?? 2);
  return {
    id: newPodId(),
    name: request.name,
    image: request.image,
    args: request.args ?? "",
    disk: request.disk ?? 50,
    ports: request.ports ?? [],
    env: request.env ?? {},
    registry: request.registry ?? null,
    status: "PROVISIONING",
    mounts: request.mounts ?? {},
    ...(gpuType ? { gpu: { id: gpuType.id, count } } : {}),
    ...(request.cpu ? { cpu: { ...request.cpu, memory: request.cpu.vcpuCount * 2 } } : {}),
    cloud,
    dataCenterId: "US-TX-3",
    createdAt: new Date().toISOString(),
    startedAt: null,
    reads: 0,
    hourlyPrice: price,
  };
}

function listGpuTypes(state: FakeRunPodState, url: URL, res: ServerResponse): void {
  const include = url.searchParams.get("include");
  const misplaced = ["product", "count", "cloud", "minCudaVersion"].find(
    (param) => url.searchParams.has(param) && include === null,
  );
  if (include !== null && include !== "AVAILABILITY") {
    problem(res, 422, "Request validation failed.", { errors: ["include: value must be 'AVAILABILITY'"] });
  } else if (misplaced !== undefined) {
    problem(res, 400, `${misplaced} is valid only with include=AVAILABILITY`);
  } else {
    const withAvailability = include === "AVAILABILITY";
    sendJson(res, 200, { gpus: state.gpuTypes.map((g) => gpuTypeJson(g, state, withAvailability)) });
  }
}

interface ControlBody {
  noCapacity?: string[];
  spendingLimit?: boolean;
  rateLimitNext?: number;
  retryAfterSeconds?: number | null;
  failNext?: number;
  startupReads?: number;
  setStatus?: { podId: string; status: FakePodStatus };
}

async function control(state: FakeRunPodState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method === "GET") return sendJson(res, 200, controlSnapshot(state));
  if (req.method !== "POST") return problem(res, 405, "use GET or POST", { headers: { Allow: "GET, POST" } });
  const body = await readJsonBody(req);
  if (!body.ok || typeof body.value !== "object" || body.value === null) {
    return problem(res, 400, "control body must be a JSON object");
  }
  const c = body.value as ControlBody;
  if (c.noCapacity !== undefined) state.noCapacity = new Set(c.noCapacity);
  if (c.spendingLimit !== undefined) state.spendingLimit = c.spendingLimit;
  if (c.rateLimitNext !== undefined) state.rateLimitNext = c.rateLimitNext;
  if (c.retryAfterSeconds !== undefined) state.retryAfterSeconds = c.retryAfterSeconds;
  if (c.failNext !== undefined) state.failNext = c.failNext;
  if (c.startupReads !== undefined) state.startupReads = c.startupReads;
  if (c.setStatus !== undefined) {
    const pod = state.pods.get(c.setStatus.podId);
    if (pod === undefined) return problem(res, 404, "pod not found");
    pod.status = c.setStatus.status;
  }
  sendJson(res, 200, controlSnapshot(state));
}

function controlSnapshot(state: FakeRunPodState) {
  return {
    pods: [...state.pods.values()].map(podJson),
    deleted: state.deleted,
    noCapacity: [...state.noCapacity],
    spendingLimit: state.spendingLimit,
    rateLimitNext: state.rateLimitNext,
    retryAfterSeconds: state.retryAfterSeconds,
    failNext: state.failNext,
    startupReads: state.startupReads,
  };
}
