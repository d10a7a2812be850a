// Malformed requests for worker logs: the worker-api's append (JSON or the boot script's
// text/plain) and the api's read (`GET /api/workers/:id/logs`).
import type { ApiFixture } from "./api-cases-shared.ts";
import { get, invalidRequest, notFound } from "./api-cases-shared.ts";
import {
  authCases,
  BAD_ID_SEGMENTS,
  type Creds,
  jsonCases,
  NOT_ARRAY,
  NOT_NULLABLE_STRING,
  queryCases,
  toJsonText,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";

const PATH = "/worker-api/worker-logs";

export function workerLogAppendCases(creds: Creds): BadCase[] {
  const text = (body: string) => ({
    method: "POST",
    path: PATH,
    auth: creds.worker,
    headers: { "content-type": "text/plain" },
    body,
  });
  return [
    ...authCases(creds, "worker", {
      method: "POST",
      path: PATH,
      headers: { "content-type": "application/json" },
      body: toJsonText({ source: "worker", lines: ["x"] }),
    }),
    ...jsonCases({
      method: "POST",
      path: PATH,
      auth: creds.worker,
      valid: { source: "worker", lines: ["started"] },
      required: ["source", "lines"],
      bad: {
        source: [...NOT_NULLABLE_STRING, "", "provider", "BOOT"],
        lines: [
          ...NOT_ARRAY,
          null,
          [],
          [1],
          [null],
          ["x".repeat(2001)],
          Array.from({ length: 501 }, () => "l"),
        ],
      },
      maxBytes: 1_100_000,
      emptyIsInvalid: true,
    }),
    { ...text(""), name: "empty text/plain body", ...invalidRequest },
    { ...text("\n\n\n"), name: "text/plain with only newlines", ...invalidRequest },
    { ...text("x".repeat(2001)), name: "text/plain line over 2000 characters", ...invalidRequest },
    {
      ...text(Array.from({ length: 501 }, () => "l").join("\n")),
      name: "text/plain with 501 lines",
      ...invalidRequest,
    },
    { ...text("x".repeat(1_100_001)), name: "text/plain over the size cap", status: 413 },
  ];
}

export function workerLogReadCases(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const logs = (id: string, query = "") => get(`/api/workers/${id}/logs${query}`, creds.admin);
  return [
    ...authCases(creds, "api", get(`/api/workers/${f.workerId}/logs`, "")),
    ...BAD_ID_SEGMENTS.concat(["a".repeat(101), "w%20x"]).map((id) => ({
      ...logs(id),
      name: `worker id ${id.slice(0, 40)}`,
    })),
    ...queryCases(
      [
        "after=-1",
        "after=abc",
        "after=1.5",
        "after=",
        "after=1&after=2",
        "limit=0",
        "limit=5001",
        "limit=x",
        "cursor=abc",
        "unknown=1",
      ],
      (q) => ({ ...logs(f.workerId, `?${q}`), ...invalidRequest }),
    ),
    { ...logs("no-such-worker"), name: "unknown worker", ...notFound },
    {
      ...get(`/api/workers/${f.workerId}/logs`, creds.otherAdmin),
      name: "another organization's worker",
      ...notFound,
    },
  ];
}
