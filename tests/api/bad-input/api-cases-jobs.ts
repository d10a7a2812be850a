// Bad requests for jobs, their runs/events/logs, workers, hardware and local files.
// Malformed requests for every route of the public `api` function, grouped by endpoint family.

import {
  type ApiFixture,
  BINARY,
  forbidden,
  get,
  invalidRequest,
  JSON_HEADERS,
  notFound,
  UNKNOWN_FILE,
  UNKNOWN_JOB,
  UNKNOWN_UUID,
  zeros,
} from "./api-cases-shared.ts";
import {
  authCases,
  BAD_ID_SEGMENTS,
  BAD_JOB_IDS,
  BAD_LIST_QUERIES,
  idCases,
  jsonCases,
  NOT_ARRAY,
  NOT_BOOL,
  NOT_INT_OR_NULL,
  NOT_NULLABLE_STRING,
  NOT_STRING,
  queryCases,
  Raw,
  toJsonText,
  UNICODE_TRICKS,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";

export function jobFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  const valid = { type: "custom", image: "ow/test:1", entrypoint: ["python", "main.py"], params: { a: 1 } };
  const submit = { method: "POST", path: "/api/jobs", headers: JSON_HEADERS, body: toJsonText(valid) };
  cases.push(...authCases(creds, "api", submit));
  const tricky = UNICODE_TRICKS;
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/jobs",
      auth: creds.admin,
      valid,
      required: ["type", "image", "entrypoint"],
      bad: {
        type: [...NOT_NULLABLE_STRING, "", "Custom", "1abc", "a".repeat(41), "cu/stom", "-x", ...tricky],
        image: [
          ...NOT_NULLABLE_STRING,
          "",
          "UPPER/x:1",
          "-leading",
          "a b",
          "a".repeat(256),
          "ow/test:1\u0000",
          ...tricky.map((t) => `ow/${t}`),
        ],
        entrypoint: [
          ...NOT_ARRAY,
          null,
          [],
          [""],
          [1],
          [null],
          [["nested"]],
          ["x".repeat(4097)],
          Array.from({ length: 257 }, () => "x"),
          "python main.py",
          ["python\u0000"],
        ],
        params: [
          [],
          "x",
          1,
          null,
          true,
          new Raw("1e308"),
          [{ a: 1 }],
          { a: "\u0000" },
          { "\u0000": 1 },
          { ow_pod: "big" },
          { ow_pod: { volume_gb: 5 } },
          { ow_pod: { container_disk_gb: 1.5 } },
          { ow_pod: { disk_gb: 100 } },
        ],
        mounts: [
          [],
          "x",
          null,
          { "/abs": f.fileId },
          { "../x": f.fileId },
          { "a/../b": f.fileId },
          { "a//b": f.fileId },
          { "./a": f.fileId },
          { "a\\b": f.fileId },
          { "a\u0000": f.fileId },
          { "": f.fileId },
          { [`${"x".repeat(501)}`]: f.fileId },
          { a: "not-a-file" },
          { a: 1 },
          { a: null },
          { a: UNKNOWN_FILE },
          { a: f.otherOrgFileId },
        ],
        requires_vram_gb: [...NOT_INT_OR_NULL, -1, 1537, 0.5],
        allowed_hardware: [
          [],
          ["bogus-gpu"],
          [""],
          [1],
          "A100",
          Array(33).fill("A100"),
          ["x".repeat(65)],
          {},
        ],
        priority: [...NOT_INT_OR_NULL, -101, 101, 0.5],
        timeout_seconds: [...NOT_INT_OR_NULL, 9, 30 * 86400 + 1, new Raw("-0")],
        max_attempts: [...NOT_INT_OR_NULL, 0, 21, new Raw("-0")],
        secrets: [
          "X",
          null,
          [1],
          ["lower"],
          ["A-B"],
          [""],
          ["A\u0000"],
          Array.from({ length: 65 }, (_, i) => `S${i}`),
        ],
        model: [...NOT_STRING, "", "x".repeat(301)],
        id_suffix: [...NOT_STRING, "", "a/b", "a b", "x".repeat(61), "a\u0000", ...tricky],
        force: NOT_BOOL,
      },
      maxBytes: 2_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({
    ...submit,
    auth: creds.admin,
    body: `{"type":"custom","image":"ow/test:1","entrypoint":["x"],"params":${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}}`,
    name: "params nested 10,000 deep",
    status: 400,
  });
  cases.push({
    ...submit,
    auth: creds.admin,
    body: `{"type":"custom","type":"Bad","image":"ow/test:1","entrypoint":["x"]}`,
    name: "duplicate key, last one invalid",
    ...invalidRequest,
  });

  cases.push(...authCases(creds, "api", get("/api/jobs", "")));
  cases.push(
    ...queryCases(
      [
        ...BAD_LIST_QUERIES,
        "status=bogus",
        "status=PENDING",
        "status=",
        "status=pending&status=failed",
        "type=Bad",
        "type=%00",
        "type=",
        "params=notjson",
        "params=%5B%5D",
        "params=1",
        "params=null",
        "params=%22x%22",
        "params=",
        `params=${encodeURIComponent(JSON.stringify({ a: "x".repeat(10_001) }))}`,
        `params=${encodeURIComponent('{"a":"\\u0000"}')}`,
        "params=%FF",
        "created_after=yesterday",
        "created_after=2020-13-45T00:00:00Z",
        "created_after=2020-01-01",
        "created_after=1e308",
        "created_before=%FF",
        "created_before=2020-01-01T00:00:00Z&created_before=2021-01-01T00:00:00Z",
      ],
      (q) => ({ ...get(`/api/jobs?${q}`, creds.admin), ...invalidRequest }),
    ),
  );
  for (const [label, suffix, method] of [
    ["get", "", "GET"],
    ["cancel", "/cancel", "POST"],
    ["restart", "/restart", "POST"],
  ] as const) {
    const one = (id: string) => ({ method, path: `/api/jobs/${id}${suffix}`, auth: creds.admin });
    cases.push(...authCases(creds, "api", one(f.jobId)).map((c) => ({ ...c, name: `${label} ${c.name}` })));
    cases.push(...idCases(BAD_JOB_IDS, one, `${label} job id`));
    cases.push({ ...one(UNKNOWN_JOB), name: `${label} unknown job`, ...notFound });
    cases.push({ ...one(f.otherOrgJobId), name: `${label} another organization's job`, ...notFound });
    cases.push({
      ...one(f.jobId),
      auth: creds.otherAdmin,
      name: `${label} this job with another organization's token`,
      ...notFound,
    });
  }
  cases.push({
    method: "POST",
    path: `/api/jobs/${f.jobId}/restart`,
    auth: creds.admin,
    name: "restart a running job",
    status: 409,
    codes: ["conflict"],
  });
  return cases;
}

export function activityFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  for (const suffix of ["/runs", "/events", "/events/latest", "/metrics", "/logs"]) {
    const one = (id: string) => get(`/api/jobs/${id}${suffix}`, creds.admin);
    cases.push(...authCases(creds, "api", one(f.jobId)).map((c) => ({ ...c, name: `${suffix} ${c.name}` })));
    cases.push(...idCases(BAD_JOB_IDS, one, `${suffix} job id`));
    cases.push({ ...one(UNKNOWN_JOB), name: `${suffix} unknown job`, ...notFound });
    cases.push({ ...one(f.otherOrgJobId), name: `${suffix} another organization's job`, ...notFound });
  }
  const query = (suffix: string, qs: string[]) =>
    queryCases(qs, (q) => ({ ...get(`/api/jobs/${f.jobId}${suffix}?${q}`, creds.admin), ...invalidRequest }));
  cases.push(
    ...query("/events", [
      ...BAD_LIST_QUERIES,
      "run_id=bad",
      "run_id=%00",
      `run_id=${UNKNOWN_UUID}&run_id=${UNKNOWN_UUID}`,
      `type=${"t".repeat(101)}`,
      "cursor=1234567890123456",
      "cursor=-1",
      "cursor=1.5",
      "cursor=%EF%BC%91",
    ]),
  );
  cases.push(
    ...query("/events/latest", [
      "fields=",
      "fields=,,,",
      "fields=%20",
      `fields=${Array.from({ length: 101 }, (_, i) => `f${i}`).join(",")}`,
      `fields=${"f".repeat(201)}`,
      `fields=${"f,".repeat(1001)}`,
      "fields=a&fields=b",
      "run_id=bad",
      "run_id=%FF",
      "limit=10",
      "unknown=1",
    ]),
  );
  cases.push(
    ...query("/metrics", [
      "buckets=9",
      "buckets=5001",
      "buckets=1.5",
      "buckets=abc",
      "buckets=",
      "buckets=1&buckets=2",
      "limit=10",
    ]),
  );
  cases.push(
    ...query("/logs", [
      "after_seq=-2",
      "after_seq=2147483648",
      "after_seq=1.5",
      "after_seq=abc",
      "after_seq=1e308",
      "after_seq=%FF",
      "limit=0",
      "limit=1001",
      "limit=-0",
      "wait=26",
      "wait=-1",
      "wait=abc",
      "wait=1.5",
      "wait=1e308",
      "run_id=bad",
      "run_id=",
      "cursor=x",
      "after_seq=1&after_seq=2",
      "unknown=1",
    ]),
  );
  cases.push({
    ...get(`/api/jobs/${f.jobId}/logs?run_id=${UNKNOWN_UUID}`, creds.admin),
    name: "logs of a run of another job",
    ...notFound,
  });
  return cases;
}

export function workerFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  cases.push(...authCases(creds, "api", get("/api/workers", "")));
  cases.push(
    ...queryCases([...BAD_LIST_QUERIES, "status=bogus", "status=", "status=active&status=lost"], (q) => ({
      ...get(`/api/workers?${q}`, creds.admin),
      ...invalidRequest,
    })),
  );
  const shutdown = (id: string) => ({
    method: "POST",
    path: `/api/workers/${id}/shutdown`,
    auth: creds.admin,
  });
  cases.push(...authCases(creds, "api", shutdown(f.workerId)));
  cases.push(...idCases([...BAD_ID_SEGMENTS, "a".repeat(101), "w%20x", "w%2Fx"], shutdown, "worker id"));
  cases.push({ ...shutdown("no-such-worker"), name: "unknown worker", ...notFound });
  cases.push({
    ...shutdown(f.workerId),
    auth: creds.member,
    name: "member shuts a worker down",
    ...forbidden,
  });
  cases.push({
    ...shutdown(f.workerId),
    auth: creds.otherAdmin,
    name: "another organization's admin shuts it down",
    ...notFound,
  });
  cases.push(...authCases(creds, "api", get("/api/hardware", "")));

  // signed local-file URLs
  const local = (method: string, token: string, body?: BadCase["body"]): BadCase => ({
    name: "",
    method,
    path: `/api/local-files/${token}`,
    auth: null,
    ...(body === undefined ? {} : { body, headers: BINARY }),
  });
  const putToken = f.pendingPutPath.split("/").at(-1) ?? "";
  const badTokens = [
    ...BAD_ID_SEGMENTS,
    creds.adminJwt.slice(7),
    creds.forgedJwt.slice(7),
    creds.expiredJwt.slice(7),
    creds.noneAlgJwt.slice(7),
  ];
  for (const method of ["GET", "PUT"]) {
    cases.push(
      ...badTokens.map((t) => ({
        ...local(method, t, method === "PUT" ? "x" : undefined),
        name: `${method} token ${t.slice(0, 30)}`,
        ...forbidden,
      })),
    );
  }
  cases.push({ ...local("GET", putToken), name: "GET with an upload token", ...forbidden });
  cases.push({ ...local("PUT", f.missingGetToken, "x"), name: "PUT with a download token", ...forbidden });
  cases.push({ ...local("GET", f.missingGetToken), name: "GET of a missing object", ...notFound });
  cases.push({ ...local("GET", f.escapingGetToken), name: "GET of a key escaping the store", status: 403 });
  cases.push({
    ...local("PUT", f.escapingPutToken, "x"),
    name: "PUT to a key escaping the store",
    status: 403,
  });
  cases.push({
    ...local("PUT", putToken, new Uint8Array(f.maxUploadBytes + 1)),
    name: "PUT over the size cap",
    status: 413,
  });
  cases.push({
    ...local("PUT", putToken, () => zeros(f.maxUploadBytes + 65_536)),
    name: "chunked PUT over the size cap",
    status: 413,
  });
  return cases;
}
