// A fake of RunPod's REST API v2 as a Hono app, for tests and the local stack. It serves the
// subset our provider uses — /v2/pods (list, create), /v2/pods/{id} (get, delete),
// /v2/pods/{id}/logs (SSE), /v2/catalog/gpus — and holds every request and every answer to
// RunPod's published OpenAPI document (./openapi, checked by ./openapi-validator.ts):
// - a request the document refuses gets RunPod's 422 "Request validation failed." with one
//   `errors` string per problem (or a 400 for a bad query parameter);
// - an answer of the fake that the document refuses becomes a 500 naming the violation, and is
//   recorded in `state.schemaViolations`, so a fake drifting from RunPod fails the tests.
// Rules RunPod states only in prose (exactly one of gpu/cpu, …) live in ./handler-rules.ts.
// Test switches: mutate `state` in-process, or `POST /__control` (no auth; 127.0.0.1 only).
import { Hono } from "hono";
import {
  type FakeGpuType,
  type FakePod,
  type FakePodStatus,
  type FakeRunPodState,
  gpuTypeJson,
  observePod,
  podJson,
} from "./fake-state.ts";
import { type CreatePodBody, createPodRuleViolation, newPod } from "./handler-rules.ts";
import { loadRunPodValidator, type OpenApiValidator, type Operation } from "./openapi-validator.ts";

export const NO_CAPACITY_DETAIL =
  "There are no longer any instances available with the requested specifications. Please refresh and try again.";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  404: "Not Found",
  405: "Method Not Allowed",
  422: "Unprocessable Entity",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

// Static numbers from the spec's example policy; the fake does not count real usage.
const RATE_LIMIT_POLICY = '"minute";q=60;w=60, "hour";q=3000;w=3600, "day";q=50000;w=86400';
const RATE_LIMIT_OK = '"minute";r=59;t=60, "hour";r=2999;t=3600, "day";r=49999;t=86400';

let sharedValidator: OpenApiValidator | undefined;
/** Compiling RunPod's document takes ~0.5 s; one copy serves every fake in the process. */
export function runPodValidator(): OpenApiValidator {
  sharedValidator ??= loadRunPodValidator();
  return sharedValidator;
}

type Env = { Variables: { operation: Operation } };

function problem(
  status: number,
  detail: string,
  extra: { errors?: string[]; headers?: Record<string, string> } = {},
) {
  const body = {
    title: TITLES[status] ?? "Error",
    status,
    detail,
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...extra.headers },
  });
}

export function makeFakeRunPodApp(state: FakeRunPodState, validator = runPodValidator()): Hono<Env> {
  const app = new Hono<Env>();
  app.route("/__control", controlApp(state));

  // Every API call: record, authenticate, apply failure switches, check the request against the
  // document, run the handler, then check the answer against the document.
  app.use("/v2/*", async (c, next) => {
    const url = new URL(c.req.url);
    state.requests.push({ method: c.req.method, path: url.pathname });
    const early = await admit(state, validator, c.req.raw, url);
    if (early instanceof Response) {
      c.res = early;
      return;
    }
    c.set("operation", early.operation);
    await next();
    await checkAnswer(state, validator, early.operation, c);
    if (c.res.status < 300) {
      c.res.headers.set("RateLimit", RATE_LIMIT_OK);
      c.res.headers.set("RateLimit-Policy", RATE_LIMIT_POLICY);
    }
  });

  app.get("/v2/pods", (c) => {
    const pods = [...state.pods.values()];
    for (const pod of pods) observePod(state, pod);
    return c.json({ pods: pods.map(podJson) });
  });

  app.post("/v2/pods", async (c) => {
    const request = (await c.req.json()) as CreatePodBody;
    const refused = createPodRuleViolation(request);
    if (refused) return problem(400, refused);
    let gpuType: FakeGpuType | undefined;
    if (request.gpu) {
      gpuType = state.gpuTypes.find((g) => g.id === request.gpu?.id);
      if (gpuType === undefined) return problem(400, `unknown GPU type '${request.gpu.id}'`);
      if ((request.gpu.count ?? 1) > gpuType.maxCount) {
        return problem(400, `gpu.count exceeds the maximum of ${gpuType.maxCount} for '${gpuType.id}'`);
      }
    }
    if (state.spendingLimit) return problem(402, "insufficient balance: add funds to create this pod");
    if (gpuType && state.noCapacity.has(gpuType.id)) return problem(400, NO_CAPACITY_DETAIL);
    const pod = newPod(request, gpuType);
    state.pods.set(pod.id, pod);
    return c.json(podJson(pod), 201);
  });

  app.get("/v2/pods/:id", (c) => {
    const pod = state.pods.get(c.req.param("id"));
    if (pod === undefined) return problem(404, "pod not found");
    observePod(state, pod);
    return c.json(podJson(pod));
  });

  app.delete("/v2/pods/:id", (c) => {
    const id = c.req.param("id");
    if (!state.pods.delete(id)) return problem(404, "pod not found");
    state.deleted.push(id);
    return c.body(null, 204);
  });

  app.get("/v2/pods/:id/logs", (c) => {
    const pod = state.pods.get(c.req.param("id"));
    if (pod === undefined) return problem(404, "pod not found");
    return new Response(podLogStream(pod, Number(c.req.query("tail") ?? "100")), {
      headers: {
        "content-type": "text/event-stream",
        "cache-control": "no-cache",
        "x-accel-buffering": "no",
      },
    });
  });

  app.get("/v2/catalog/gpus", (c) => {
    const include = c.req.query("include");
    // The document's prose: product is required with include=AVAILABILITY, and the availability
    // filters are valid only with it (400 either way).
    const misplaced = ["product", "count", "cloud", "minCudaVersion", "cudaVersions", "countryCodes"].find(
      (param) => c.req.query(param) !== undefined && include === undefined,
    );
    if (misplaced !== undefined) return problem(400, `${misplaced} is valid only with include=AVAILABILITY`);
    if (include !== undefined && c.req.query("product") === undefined) {
      return problem(400, "product is required with include=AVAILABILITY");
    }
    const withAvailability = include !== undefined;
    return c.json({ gpus: state.gpuTypes.map((g) => gpuTypeJson(g, state, withAvailability)) });
  });

  app.notFound((c) => {
    const operation = c.get("operation") as Operation | undefined;
    return operation
      ? problem(501, `the fake does not implement ${operation.operationId}`)
      : problem(404, "resource not found");
  });
  return app;
}

type Admission = Response | { operation: Operation };

async function admit(
  state: FakeRunPodState,
  validator: OpenApiValidator,
  req: Request,
  url: URL,
): Promise<Admission> {
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
  if (token === undefined) return problem(401, "missing bearer token");
  if (token !== state.apiKey) return problem(401, "invalid api key");
  if (state.rateLimitNext > 0) {
    state.rateLimitNext -= 1;
    return rateLimited(state);
  }
  if (state.failNext > 0) {
    state.failNext -= 1;
    return problem(503, "upstream temporarily unavailable");
  }
  const path = url.pathname.replace(/\/+$/, "");
  const operation = validator.findOperation(req.method, path);
  if (operation === null) {
    const known = ["GET", "POST", "PATCH", "DELETE"].filter((m) => validator.findOperation(m, path) !== null);
    if (known.length > 0) {
      return problem(405, "The requested method is not allowed for this path.", {
        headers: { Allow: known.join(", ") },
      });
    }
    return problem(404, "resource not found");
  }
  const text = await req.clone().text();
  let body: unknown;
  if (text.trim().length > 0) {
    try {
      body = JSON.parse(text);
    } catch {
      return problem(400, "request body is not valid JSON");
    }
  }
  const check = validator.checkRequest(operation, url.searchParams, body);
  if (!check.ok) {
    state.refusals.push({ operation: operation.operationId, errors: check.errors });
    return problem(422, "Request validation failed.", { errors: check.errors });
  }
  return { operation };
}

async function checkAnswer(
  state: FakeRunPodState,
  validator: OpenApiValidator,
  operation: Operation,
  c: { res: Response },
): Promise<void> {
  const contentType = c.res.headers.get("content-type");
  let body: unknown = null;
  if (contentType?.includes("json")) body = await c.res.clone().json();
  else if (c.res.status !== 204) body = await c.res.clone().text();
  const check = validator.checkResponse(operation, c.res.status, contentType, body);
  if (check.ok) return;
  state.schemaViolations.push({
    operation: operation.operationId,
    status: c.res.status,
    errors: check.errors,
  });
  c.res = problem(500, `the fake's answer to ${operation.operationId} breaks RunPod's schema`, {
    errors: check.errors,
  });
}

function rateLimited(state: FakeRunPodState): Response {
  const wait = state.retryAfterSeconds ?? 12;
  const headers: Record<string, string> = {
    RateLimit: `"minute";r=0;t=${wait}, "hour";r=2800;t=1812, "day";r=49500;t=45012`,
    "RateLimit-Policy": RATE_LIMIT_POLICY,
  };
  if (state.retryAfterSeconds !== null) headers["Retry-After"] = String(state.retryAfterSeconds);
  return problem(429, "rate limit exceeded for the minute window", { headers });
}

/** The pod's container log as RunPod streams it: `id:` + JSON `data:` per line, then the stream ends. */
function podLogStream(pod: FakePod, tail: number): string {
  return pod.logLines
    .slice(-Math.max(0, tail))
    .map((entry, i) => {
      const id = `${entry.ts}/${String(i + 1).padStart(12, "0")}`;
      return `id: ${id}\ndata: ${JSON.stringify({ ts: entry.ts, source: "container", line: entry.line })}\n\n`;
    })
    .join("");
}

interface ControlBody {
  noCapacity?: string[];
  spendingLimit?: boolean;
  rateLimitNext?: number;
  retryAfterSeconds?: number | null;
  failNext?: number;
  startupReads?: number;
  setStatus?: { podId: string; status: FakePodStatus };
  appendLog?: { podId: string; lines: string[] };
}

function controlApp(state: FakeRunPodState): Hono {
  const control = new Hono();
  control.get("/", (c) => c.json(controlSnapshot(state)));
  control.post("/", async (c) => {
    const c2 = (await c.req.json().catch(() => null)) as ControlBody | null;
    if (typeof c2 !== "object" || c2 === null) return problem(400, "control body must be a JSON object");
    if (c2.noCapacity !== undefined) state.noCapacity = new Set(c2.noCapacity);
    if (c2.spendingLimit !== undefined) state.spendingLimit = c2.spendingLimit;
    if (c2.rateLimitNext !== undefined) state.rateLimitNext = c2.rateLimitNext;
    if (c2.retryAfterSeconds !== undefined) state.retryAfterSeconds = c2.retryAfterSeconds;
    if (c2.failNext !== undefined) state.failNext = c2.failNext;
    if (c2.startupReads !== undefined) state.startupReads = c2.startupReads;
    if (c2.setStatus !== undefined) {
      const pod = state.pods.get(c2.setStatus.podId);
      if (pod === undefined) return problem(404, "pod not found");
      pod.status = c2.setStatus.status;
    }
    if (c2.appendLog !== undefined) {
      const pod = state.pods.get(c2.appendLog.podId);
      if (pod === undefined) return problem(404, "pod not found");
      appendLog(pod, c2.appendLog.lines);
    }
    return c.json(controlSnapshot(state));
  });
  control.all("/", () => problem(405, "use GET or POST", { headers: { Allow: "GET, POST" } }));
  return control;
}

export function appendLog(pod: FakePod, lines: readonly string[]): void {
  const ts = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  for (const line of lines) pod.logLines.push({ ts, line });
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
    refusals: state.refusals,
    schemaViolations: state.schemaViolations,
  };
}
