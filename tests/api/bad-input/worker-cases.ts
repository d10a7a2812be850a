// Malformed requests for every route of the `worker-api` function.
import {
  authCases,
  BAD_UUIDS,
  type Creds,
  idCases,
  jsonCases,
  NOT_ARRAY,
  NOT_INT,
  NOT_INT_OR_NULL,
  NOT_NULLABLE_STRING,
  NOT_STRING,
  queryCases,
  toJsonText,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";
import { workerLogAppendCases } from "./worker-log-cases.ts";

export interface WorkerFixture {
  creds: Creds;
  /** A run in progress on the `worker` credential's worker. */
  runId: string;
}

const UNKNOWN_UUID = "0b7d6f6e-5a1c-4c1e-9a3c-2f0e6f1d2a3b";
const JSON_HEADERS = { "content-type": "application/json" };
const leaseLost = { status: 409, codes: ["lease_lost"] };

export function workerCaseFamilies(f: WorkerFixture): Record<string, BadCase[]> {
  return {
    "register, heartbeat, claim and stop": lifecycleFamily(f),
    "run logs and events": appendFamily(f),
    "run results, complete and fail": outcomeFamily(f),
    "worker logs": workerLogAppendCases(f.creds),
  };
}

const UUIDS = Array.from({ length: 65 }, (_, i) => `0b7d6f6e-5a1c-4c1e-9a3c-${String(i).padStart(12, "0")}`);

function lifecycleFamily(f: WorkerFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  const post = (path: string, body: unknown) => ({
    method: "POST",
    path: `/worker-api${path}`,
    headers: JSON_HEADERS,
    body: toJsonText(body),
  });
  cases.push(...authCases(creds, "worker", post("/register", { image: "ow/test:1" })));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/worker-api/register",
      auth: creds.worker,
      valid: { image: "ow/test:1", provider: "local", gpu_count: 1, vram_gb: 24, cached_models: ["m"] },
      required: ["image"],
      bad: {
        image: [...NOT_NULLABLE_STRING, "", "x".repeat(256), "ow/test:1\u0000"],
        provider: [...NOT_NULLABLE_STRING, "aws", "", "LOCAL"],
        pod_id: [...NOT_STRING, "x".repeat(201), "pod\u0000"],
        hardware_type: [...NOT_STRING, "x".repeat(65)],
        gpu_type: [...NOT_STRING, "x".repeat(101)],
        gpu_count: [...NOT_INT_OR_NULL, -1, 65],
        vram_gb: [...NOT_INT_OR_NULL, -1, 8193],
        cached_models: [
          ...NOT_ARRAY,
          null,
          [1],
          [null],
          ["x".repeat(301)],
          Array.from({ length: 201 }, (_, i) => `m${i}`),
          ["m\u0000"],
        ],
        version: [...NOT_NULLABLE_STRING, "x".repeat(51)],
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push(...authCases(creds, "worker", post("/heartbeat", { run_ids: [] })));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/worker-api/heartbeat",
      auth: creds.worker,
      valid: { run_ids: [f.runId], cached_models: ["m"] },
      required: [],
      bad: {
        run_ids: [...NOT_ARRAY, null, ["x"], [1], [null], ["%00"], UUIDS, [`${f.runId}\u0000`]],
        cached_models: [...NOT_ARRAY, null, [1], ["x".repeat(301)], Array.from({ length: 201 }, () => "m")],
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: false,
    }),
  );
  cases.push(...authCases(creds, "worker", post("/claim", { wait_ms: 0 })));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/worker-api/claim",
      auth: creds.worker,
      valid: { wait_ms: 0 },
      required: [],
      bad: { wait_ms: [...NOT_INT_OR_NULL, -1, 25_001, 0.5] },
      maxBytes: 1_000_000,
      emptyIsInvalid: false,
    }),
  );
  // /stop cases use a second worker's token: were one accepted, only that token would be revoked
  // (and the final comparison would still catch it).
  cases.push(...authCases(creds, "worker", post("/stop", { reason: "x" })));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/worker-api/stop",
      auth: creds.otherWorker,
      valid: { reason: "bye" },
      required: [],
      bad: { reason: [...NOT_NULLABLE_STRING, "x".repeat(501)] },
      maxBytes: 1_000_000,
      emptyIsInvalid: false,
    }),
  );
  cases.push({
    ...post("/unknown", {}),
    auth: creds.worker,
    name: "unknown route",
    status: 404,
    codes: ["not_found"],
  });
  cases.push({
    method: "GET",
    path: "/worker-api/claim",
    auth: creds.worker,
    name: "GET on a POST route",
    status: 404,
  });
  return cases;
}

function runPath(id: string, action: string) {
  return `/worker-api/runs/${id}/${action}`;
}

/** Auth, bad run ids, an unknown run and another worker's claim on the real run. */
function runRouteCases(f: WorkerFixture, action: string, body: unknown, query = ""): BadCase[] {
  const { creds } = f;
  const at = (id: string) => ({
    method: "POST",
    path: `${runPath(id, action)}${query}`,
    auth: creds.worker,
    headers: action === "results" ? { "content-type": "application/octet-stream" } : JSON_HEADERS,
    body: typeof body === "string" ? body : toJsonText(body),
  });
  return [
    ...authCases(creds, "worker", at(f.runId)).map((c) => ({ ...c, name: `${action} ${c.name}` })),
    ...idCases(BAD_UUIDS, at, `${action} run id`),
    { ...at(UNKNOWN_UUID), name: `${action} unknown run`, ...leaseLost },
    { ...at(f.runId), auth: creds.otherWorker, name: `${action} another worker's run`, ...leaseLost },
  ];
}

function appendFamily(f: WorkerFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  const logs = { seq: 0, streams: "oe", lines: ["a", "b"] };
  cases.push(...runRouteCases(f, "logs", logs));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: runPath(f.runId, "logs"),
      auth: creds.worker,
      valid: logs,
      required: ["seq", "streams", "lines"],
      bad: {
        seq: [...NOT_INT_OR_NULL, -1, 2_147_483_648],
        streams: [...NOT_NULLABLE_STRING, "ox", "o", "ooo", "O E", "o\u0000", "οe"],
        lines: [
          ...NOT_ARRAY,
          null,
          [],
          ["a"],
          ["a", 1],
          ["a", null],
          ["a", ["b"]],
          ["a", "x".repeat(65_537)],
          ["a", "b\u0000"],
        ],
      },
      maxBytes: 8 * 1024 * 1024,
      emptyIsInvalid: true,
    }),
  );
  const many = Array.from({ length: 10_001 }, () => "x");
  cases.push({
    method: "POST",
    path: runPath(f.runId, "logs"),
    auth: creds.worker,
    headers: JSON_HEADERS,
    body: toJsonText({ seq: 0, streams: "o".repeat(many.length), lines: many }),
    name: "10,001 lines in one batch",
    status: 400,
  });
  const events = { events: [{ seq: 0, data: { type: "metric", loss: 1 } }] };
  cases.push(...runRouteCases(f, "events", events));
  const item = (e: unknown) => [e];
  cases.push(
    ...jsonCases({
      method: "POST",
      path: runPath(f.runId, "events"),
      auth: creds.worker,
      valid: events,
      required: ["events"],
      bad: {
        events: [
          ...NOT_ARRAY,
          null,
          [],
          [1],
          [null],
          item({ seq: 0 }),
          item({ data: {} }),
          item({ seq: -1, data: {} }),
          item({ seq: 2_147_483_648, data: {} }),
          item({ seq: 0.5, data: {} }),
          item({ seq: "0", data: {} }),
          item({ seq: 0, data: [] }),
          item({ seq: 0, data: "x" }),
          item({ seq: 0, data: null }),
          item({ seq: 0, data: {}, extra: 1 }),
          item({ seq: 0, data: { a: "\u0000" } }),
          item({ seq: 0, data: { "\u0000": 1 } }),
          Array.from({ length: 501 }, (_, i) => ({ seq: i, data: {} })),
        ],
      },
      maxBytes: 8 * 1024 * 1024,
      emptyIsInvalid: true,
    }),
  );
  return cases;
}

function outcomeFamily(f: WorkerFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  cases.push(...runRouteCases(f, "results", "content", "?path=out%2Fa.txt"));
  const results = (q: string, body?: string): BadCase => ({
    name: "",
    method: "POST",
    path: `${runPath(f.runId, "results")}?${q}`,
    auth: creds.worker,
    headers: { "content-type": "application/octet-stream" },
    ...(body === undefined ? {} : { body }),
  });
  cases.push(
    ...queryCases(
      [
        "",
        "path=",
        "path=%2Fabs",
        "path=..%2Fx",
        "path=a%2F..%2Fb",
        "path=a%2F%2Fb",
        "path=.%2Fa",
        "path=a%2F",
        "path=a%5Cb",
        "path=a%00b",
        `path=${"a".repeat(501)}`,
        "path=a&path=b",
        "path=a&extra=1",
        "path[]=a",
        "PATH=a",
        "path=%FF%2F..",
      ],
      (q) => ({ ...results(q, "content"), status: 400, codes: ["invalid_request"] }),
    ),
  );
  cases.push(...runRouteCases(f, "complete", { exit_code: 0 }));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: runPath(f.runId, "complete"),
      auth: creds.worker,
      valid: { exit_code: 0 },
      required: [],
      bad: { exit_code: [...NOT_INT, null, 256, -256, 0.5] },
      maxBytes: 1_000_000,
      emptyIsInvalid: false,
    }),
  );
  const fail = { failure_kind: "user_error", message: "boom", exit_code: 1 };
  cases.push(...runRouteCases(f, "fail", fail));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: runPath(f.runId, "fail"),
      auth: creds.worker,
      valid: fail,
      required: ["failure_kind"],
      bad: {
        failure_kind: [...NOT_NULLABLE_STRING, "bogus", "", "USER_ERROR", "user_error "],
        message: [...NOT_NULLABLE_STRING, "x".repeat(10_001), "boom\u0000"],
        exit_code: [...NOT_INT, 256, -256, 0.5],
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  return cases;
}
