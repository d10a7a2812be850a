// Malformed requests for every route of the public `api` function, grouped by endpoint family.
import {
  authCases,
  BAD_FILE_IDS,
  BAD_ID_SEGMENTS,
  BAD_JOB_IDS,
  BAD_LIST_QUERIES,
  BAD_UUIDS,
  type Creds,
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

/** What the cases point at: ids that exist (in this organization or another one). */
export interface ApiFixture {
  creds: Creds;
  jobId: string;
  fileId: string;
  workerId: string;
  adminTokenId: string;
  otherOrgJobId: string;
  otherOrgFileId: string;
  otherOrgTokenId: string;
  /** upload_id of a signed upload (this organization) nothing was PUT to. */
  pendingUploadId: string;
  otherOrgUploadId: string;
  /** Path (under …/functions/v1) of the signed PUT URL of that pending upload. */
  pendingPutPath: string;
  /** Signed local-file tokens made with the real secret: a missing object and a key escaping the store. */
  missingGetToken: string;
  escapingGetToken: string;
  escapingPutToken: string;
  maxUploadBytes: number;
}

const UNKNOWN_UUID = "0b7d6f6e-5a1c-4c1e-9a3c-2f0e6f1d2a3b";
const UNKNOWN_JOB = "custom-000000000000";
const UNKNOWN_FILE = "custom_job_file:file-000000000000";
const HEX64 = "a".repeat(64);
const JSON_HEADERS = { "content-type": "application/json" };
const BINARY = { "content-type": "application/octet-stream" };
const notFound = { status: 404, codes: ["not_found"] };
const forbidden = { status: 403, codes: ["forbidden"] };
const invalidRequest = { status: 400, codes: ["invalid_request"] };

export function apiCaseFamilies(f: ApiFixture): Record<string, BadCase[]> {
  return {
    "auth, me and organization": authFamily(f),
    "tokens, members and secrets": accessFamily(f),
    files: fileFamily(f),
    jobs: jobFamily(f),
    "job runs, events and logs": activityFamily(f),
    "workers, hardware and local files": workerFamily(f),
  };
}

function get(path: string, auth: string) {
  return { method: "GET", path, auth };
}

function authFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/auth/token",
      auth: creds.admin,
      valid: { token: creds.admin.slice(7) },
      required: ["token"],
      bad: { token: [...NOT_NULLABLE_STRING, "", "x".repeat(201)] },
      maxBytes: 4096,
      emptyIsInvalid: true,
    }).map((c) => ({ ...c, auth: null })),
  );
  const exchange = (name: string, token: string, codes: string[]): BadCase => ({
    name: `exchange ${name}`,
    method: "POST",
    path: "/api/auth/token",
    auth: null,
    headers: JSON_HEADERS,
    body: JSON.stringify({ token }),
    codes,
  });
  cases.push(
    exchange("short token", "ow_short", ["invalid_token"]),
    exchange("unknown token", `ow_${"B".repeat(43)}`, ["invalid_token"]),
    exchange("token with a space", ` ${creds.admin.slice(7)}`, ["invalid_token"]),
    exchange("token with a NUL", `${creds.admin.slice(7, -1)}\u0000`, ["invalid_token"]),
    exchange("a JWT instead", creds.adminJwt.slice(7), ["invalid_request", "invalid_token"]),
    exchange("token in fullwidth", `ｏｗ_${"A".repeat(43)}`, ["invalid_token"]),
    exchange("bare prefix", "ow_", ["invalid_token"]),
  );
  cases.push(...authCases(creds, "api", get("/api/me", "")));
  const rename = { method: "PATCH", path: "/api/organization", headers: JSON_HEADERS, body: '{"name":"x"}' };
  cases.push(...authCases(creds, "api", rename));
  cases.push(
    ...jsonCases({
      method: "PATCH",
      path: "/api/organization",
      auth: creds.admin,
      valid: { name: "renamed" },
      required: ["name"],
      bad: { name: [...NOT_NULLABLE_STRING, "", "   ", "x".repeat(101)] },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({ ...rename, name: "member renames the organization", auth: creds.member, ...forbidden });
  return cases;
}

function accessFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  // tokens
  cases.push(...authCases(creds, "api", get("/api/tokens", "")));
  cases.push({ ...get("/api/tokens", creds.member), name: "member lists tokens", ...forbidden });
  const createToken = { method: "POST", path: "/api/tokens", headers: JSON_HEADERS, body: '{"name":"t"}' };
  cases.push(...authCases(creds, "api", createToken));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/tokens",
      auth: creds.admin,
      valid: { name: "t", role: "member", expires_in_days: 30 },
      required: ["name"],
      bad: {
        name: [...NOT_NULLABLE_STRING, "", "  ", "x".repeat(101)],
        role: [...NOT_NULLABLE_STRING, "superuser", "ADMIN", "", "admin "],
        expires_in_days: [...NOT_INT_OR_NULL, 0, new Raw("-0"), -1, 3651, 1.5],
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({ ...createToken, name: "member creates a token", auth: creds.member, ...forbidden });
  cases.push({
    ...createToken,
    body: '{"name":"t","role":"admin"}',
    name: "member creates an admin token",
    auth: creds.member,
    ...forbidden,
  });
  const revoke = (id: string) => ({ method: "DELETE", path: `/api/tokens/${id}`, auth: creds.admin });
  cases.push(...authCases(creds, "api", revoke(UNKNOWN_UUID)));
  cases.push(...idCases(BAD_UUIDS, revoke, "token id"));
  cases.push({ ...revoke(UNKNOWN_UUID), name: "unknown token id", ...notFound });
  cases.push({ ...revoke(f.otherOrgTokenId), name: "another organization's token", ...notFound });
  cases.push({
    ...revoke(f.adminTokenId),
    auth: creds.member,
    name: "member revokes the admin token",
    ...notFound,
  });

  // members
  cases.push(...authCases(creds, "api", get("/api/members", "")));
  const addMember = {
    method: "POST",
    path: "/api/members",
    headers: JSON_HEADERS,
    body: '{"email":"nobody@example.com"}',
  };
  cases.push(...authCases(creds, "api", addMember));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/members",
      auth: creds.admin,
      valid: { email: "nobody@example.com", role: "member" },
      required: ["email"],
      bad: {
        email: [
          ...NOT_NULLABLE_STRING,
          "",
          "not-an-email",
          "a@",
          "@b.co",
          "a@b@c.co",
          `${"a".repeat(320)}@b.co`,
          "a\u0000@b.co",
          "ａ@ｂ.co",
          "a b@c.co",
        ],
        role: [...NOT_NULLABLE_STRING, "owner", "worker", ""],
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({ ...addMember, auth: creds.admin, name: "email of nobody who signed up", ...invalidRequest });
  cases.push({ ...addMember, auth: creds.member, name: "member adds a member", ...forbidden });
  const patchMember = (id: string) => ({
    method: "PATCH",
    path: `/api/members/${id}`,
    auth: creds.admin,
    headers: JSON_HEADERS,
    body: '{"role":"member"}',
  });
  cases.push(...authCases(creds, "api", patchMember(UNKNOWN_UUID)));
  cases.push(...idCases(BAD_UUIDS, patchMember, "user id"));
  cases.push({ ...patchMember(UNKNOWN_UUID), name: "unknown member", ...notFound });
  cases.push(
    ...jsonCases({
      method: "PATCH",
      path: `/api/members/${UNKNOWN_UUID}`,
      auth: creds.admin,
      valid: { role: "member" },
      required: ["role"],
      bad: { role: [...NOT_NULLABLE_STRING, "owner", "worker", "", "Admin"] },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  const removeMember = (id: string) => ({ method: "DELETE", path: `/api/members/${id}`, auth: creds.admin });
  cases.push(...authCases(creds, "api", removeMember(UNKNOWN_UUID)));
  cases.push(...idCases(BAD_UUIDS, removeMember, "user id"));
  cases.push({ ...removeMember(UNKNOWN_UUID), name: "unknown member", ...notFound });

  // secrets
  cases.push(...authCases(creds, "api", get("/api/secrets", "")));
  cases.push({ ...get("/api/secrets", creds.member), name: "member lists secrets", ...forbidden });
  const badNames = [
    ...BAD_ID_SEGMENTS,
    "lower",
    "A-B",
    "1ABC",
    "A".repeat(129),
    "A%00",
    "%EF%BC%A1",
    "A%20B",
    "A.B",
    "%C3%84",
  ];
  const putSecret = (name: string) => ({
    method: "PUT",
    path: `/api/secrets/${name}`,
    auth: creds.admin,
    headers: JSON_HEADERS,
    body: '{"value":"s3cret"}',
  });
  cases.push(...authCases(creds, "api", putSecret("API_KEY")));
  cases.push(...idCases(badNames, putSecret, "secret name"));
  cases.push(
    ...jsonCases({
      method: "PUT",
      path: "/api/secrets/API_KEY",
      auth: creds.admin,
      valid: { value: "s3cret" },
      required: ["value"],
      bad: { value: [...NOT_NULLABLE_STRING, "", "x".repeat(65_537)] },
      maxBytes: 200_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({ ...putSecret("API_KEY"), auth: creds.member, name: "member writes a secret", ...forbidden });
  const deleteSecret = (name: string) => ({
    method: "DELETE",
    path: `/api/secrets/${name}`,
    auth: creds.admin,
  });
  cases.push(...authCases(creds, "api", deleteSecret("API_KEY")));
  cases.push(...idCases(badNames, deleteSecret, "secret name"));
  cases.push({ ...deleteSecret("NOT_THERE"), name: "unknown secret", ...notFound });
  cases.push({
    ...deleteSecret("NOT_THERE"),
    auth: creds.member,
    name: "member deletes a secret",
    ...forbidden,
  });
  return cases;
}

function fileFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  const upload = (query: string, body: BadCase["body"] = "hello", auth = creds.admin): BadCase => ({
    name: "",
    method: "POST",
    path: `/api/files?${query}`,
    auth,
    headers: BINARY,
    body,
  });
  cases.push(...authCases(creds, "api", upload("purpose=custom_job_file&filename=a.txt")));
  const badUploadQueries = [
    "",
    "purpose=custom_job_file",
    "filename=a.txt",
    "purpose=bogus&filename=a.txt",
    "purpose=&filename=a.txt",
    "purpose=CUSTOM_JOB_FILE&filename=a.txt",
    "purpose=custom_job_file%FF&filename=a.txt",
    "purpose=custom_job_file%00&filename=a.txt",
    "purpose=custom_job_file&filename=",
    "purpose=custom_job_file&filename=.",
    "purpose=custom_job_file&filename=..",
    "purpose=custom_job_file&filename=a%2Fb",
    "purpose=custom_job_file&filename=..%2F..%2Fetc%2Fpasswd",
    "purpose=custom_job_file&filename=a%5Cb",
    "purpose=custom_job_file&filename=a%00b",
    `purpose=custom_job_file&filename=${"a".repeat(256)}`,
    "purpose=custom_job_file&purpose=custom_job_file&filename=a.txt",
    "purpose=custom_job_file&filename=a.txt&filename=b.txt",
    "purpose=custom_job_file&filename=a.txt&extra=1",
    "purpose[]=custom_job_file&filename=a.txt",
    "purpose=custom_job_file&filename[]=a.txt",
  ];
  cases.push(...queryCases(badUploadQueries, (q) => ({ ...upload(q), ...invalidRequest })));
  const invalidDatasets: [string, string | Uint8Array][] = [
    ["not JSON", "not json\n"],
    ["empty object", "{}\n"],
    ["array", "[]\n"],
    ["null", "null\n"],
    ["only blank lines", "\n\n\n"],
    ["empty file", ""],
    ["unknown role", '{"messages":[{"role":"robot","content":"x"}]}\n'],
    ["blank line between rows", '{"messages":[{"role":"user","content":"a"}]}\n\n{"messages":[]}\n'],
    ["invalid UTF-8", Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a])],
    ["deeply nested line", `${"[".repeat(50_000)}${"]".repeat(50_000)}\n`],
  ];
  for (const purpose of ["conversations", "preference"]) {
    for (const [name, body] of invalidDatasets)
      cases.push({
        ...upload(`purpose=${purpose}&filename=data.jsonl`, body),
        name: `${purpose} dataset: ${name}`,
        status: 400,
      });
  }
  cases.push({
    ...upload("purpose=custom_job_file&filename=big.bin", new Uint8Array(f.maxUploadBytes + 1)),
    name: "raw upload over the size cap",
    status: 413,
    codes: ["payload_too_large"],
  });
  cases.push({
    ...upload("purpose=custom_job_file&filename=big.bin", () => zeros(f.maxUploadBytes + 65_536)),
    name: "chunked raw upload over the size cap",
    status: 413,
    codes: ["payload_too_large"],
  });
  // multipart
  const form = (parts: Record<string, string | Blob>) => {
    const fd = new FormData();
    for (const [k, v] of Object.entries(parts)) fd.append(k, v);
    return fd;
  };
  const multipart = (name: string, body: FormData, query = "", status = 400): BadCase => ({
    name: `multipart: ${name}`,
    method: "POST",
    path: `/api/files${query}`,
    auth: creds.admin,
    body,
    status,
  });
  const blob = (text: string | Uint8Array) => new Blob([text as BlobPart]);
  cases.push(
    multipart("no file part", form({ purpose: "custom_job_file" })),
    multipart("file part is a plain field", form({ purpose: "custom_job_file", file: "text" })),
    multipart("no purpose", form({ file: blob("x") })),
    multipart("bad purpose", form({ purpose: "bogus", file: blob("x") })),
    multipart("bad filename", form({ purpose: "custom_job_file", filename: "../x", file: blob("x") })),
    multipart("empty filename", form({ purpose: "custom_job_file", filename: "", file: blob("x") })),
    multipart("bad purpose in the query", form({ file: blob("x") }), "?purpose=bogus"),
    multipart("invalid dataset", form({ purpose: "conversations", file: blob("{}\n") })),
    multipart("invalid UTF-8 dataset", form({ purpose: "conversations", file: blob(Uint8Array.of(0xff)) })),
    multipart(
      "file over the size cap",
      form({ purpose: "custom_job_file", file: blob(new Uint8Array(f.maxUploadBytes + 1)) }),
      "",
      413,
    ),
  );
  const rawMultipart = (name: string, contentType: string, body: string): BadCase => ({
    name: `multipart: ${name}`,
    method: "POST",
    path: "/api/files",
    auth: creds.admin,
    headers: { "content-type": contentType },
    body,
    status: 400,
  });
  cases.push(
    rawMultipart("garbage body", "multipart/form-data; boundary=xyz", "garbage"),
    rawMultipart("no boundary", "multipart/form-data", "--x\r\n\r\n--x--"),
    rawMultipart("other boundary", "multipart/form-data; boundary=abc", "--xyz\r\n\r\nx\r\n--xyz--\r\n"),
    rawMultipart(
      "unterminated part",
      "multipart/form-data; boundary=b",
      '--b\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\nabc',
    ),
    rawMultipart("empty body", "multipart/form-data; boundary=b", ""),
  );
  const token = creds.admin.slice(7);
  cases.push({
    name: "multipart: content-length over the multipart cap",
    method: "POST",
    path: "/api/files",
    auth: creds.admin,
    raw: new TextEncoder().encode(
      `POST /functions/v1/api/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
        "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 200000000\r\nConnection: close\r\n\r\n--b\r\n",
    ),
    status: 413,
  });

  // signed uploads
  const createUpload = {
    method: "POST",
    path: "/api/files/uploads",
    headers: JSON_HEADERS,
    body: toJsonText({
      purpose: "custom_job_file",
      filename: "a",
      bytes: 1,
      sha256: HEX64,
      org_sha256: HEX64,
    }),
  };
  cases.push(...authCases(creds, "api", createUpload));
  const badHex = [...NOT_NULLABLE_STRING, "", "A".repeat(64), "a".repeat(63), "a".repeat(65), "g".repeat(64)];
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/files/uploads",
      auth: creds.admin,
      valid: { purpose: "custom_job_file", filename: "a.bin", bytes: 10, sha256: HEX64, org_sha256: HEX64 },
      required: ["purpose", "filename", "bytes", "sha256", "org_sha256"],
      bad: {
        purpose: [...NOT_NULLABLE_STRING, "bogus", ""],
        filename: [...NOT_NULLABLE_STRING, "", ".", "..", "a/b", "a\\b", "a\u0000b", "x".repeat(256)],
        bytes: [...NOT_INT_OR_NULL, -1, 1024 ** 4 + 1, 1.5],
        sha256: badHex,
        org_sha256: badHex,
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );
  cases.push({
    ...createUpload,
    auth: creds.admin,
    body: toJsonText({
      purpose: "custom_job_file",
      filename: "a",
      bytes: f.maxUploadBytes + 1,
      sha256: HEX64,
      org_sha256: HEX64,
    }),
    name: "declared size over the cap",
    status: 413,
  });
  const complete = { method: "POST", path: "/api/files/uploads/complete", headers: JSON_HEADERS };
  cases.push(...authCases(creds, "api", { ...complete, body: toJsonText({ upload_id: f.pendingUploadId }) }));
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/files/uploads/complete",
      auth: creds.admin,
      valid: { upload_id: f.pendingUploadId },
      required: ["upload_id"],
      bad: {
        upload_id: [
          ...NOT_NULLABLE_STRING,
          "",
          "x".repeat(4097),
          "garbage",
          "a.b.c",
          creds.adminJwt.slice(7),
          creds.forgedJwt.slice(7),
          creds.expiredJwt.slice(7),
        ],
      },
      maxBytes: 16_384,
      emptyIsInvalid: true,
    }),
  );
  cases.push({
    ...complete,
    auth: creds.admin,
    body: toJsonText({ upload_id: f.otherOrgUploadId }),
    name: "another organization's upload",
    ...forbidden,
  });
  cases.push({
    ...complete,
    auth: creds.admin,
    body: toJsonText({ upload_id: f.pendingUploadId }),
    name: "nothing was uploaded yet",
    status: 409,
    codes: ["conflict"],
  });
  cases.push({
    name: "documented per-file complete path with a bad file id",
    method: "POST",
    path: "/api/files/uploads/..%2Fx/complete",
    auth: creds.admin,
    status: 400,
  });

  // listing
  cases.push(...authCases(creds, "api", get("/api/files", "")));
  cases.push(
    ...queryCases(
      [
        ...BAD_LIST_QUERIES,
        "purpose=bogus",
        "purpose=",
        "purpose=%00",
        "purpose=result&purpose=log",
        "status=pending",
      ],
      (q) => ({ ...get(`/api/files?${q}`, creds.admin), ...invalidRequest }),
    ),
  );

  // one file
  for (const [label, suffix, method] of [
    ["get", "", "GET"],
    ["content", "/content", "GET"],
    ["delete", "", "DELETE"],
  ] as const) {
    const one = (id: string) => ({ method, path: `/api/files/${id}${suffix}`, auth: creds.admin });
    cases.push(
      ...authCases(creds, "api", one(encodeURIComponent(f.fileId))).map((c) => ({
        ...c,
        name: `${label} ${c.name}`,
      })),
    );
    cases.push(...idCases(BAD_FILE_IDS, one, `${label} file id`));
    cases.push({ ...one(UNKNOWN_FILE), name: `${label} unknown file`, ...notFound });
    cases.push({
      ...one(encodeURIComponent(f.otherOrgFileId)),
      name: `${label} another organization's file`,
      ...notFound,
    });
    cases.push({
      ...one(encodeURIComponent(f.fileId)),
      auth: creds.otherAdmin,
      name: `${label} this file with another organization's token`,
      ...notFound,
    });
  }
  return cases;
}

function jobFamily(f: ApiFixture): BadCase[] {
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
        params: [[], "x", 1, null, true, new Raw("1e308"), [{ a: 1 }], { a: "\u0000" }, { "\u0000": 1 }],
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

function activityFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  for (const suffix of ["/runs", "/events", "/events/latest", "/logs"]) {
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

function workerFamily(f: ApiFixture): BadCase[] {
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

function zeros(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(new Uint8Array(65_536));
      sent += 65_536;
    },
  });
}
