// Bad requests for file uploads (raw, multipart, signed), listing and single files.
// Malformed requests for every route of the public `api` function, grouped by endpoint family.

import {
  type ApiFixture,
  BINARY,
  forbidden,
  get,
  HEX64,
  invalidRequest,
  JSON_HEADERS,
  notFound,
  UNKNOWN_FILE,
  zeros,
} from "./api-cases-shared.ts";
import {
  authCases,
  BAD_FILE_IDS,
  BAD_LIST_QUERIES,
  idCases,
  jsonCases,
  NOT_INT_OR_NULL,
  NOT_NULLABLE_STRING,
  queryCases,
  toJsonText,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";

export function fileFamily(f: ApiFixture): BadCase[] {
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
