// Table-driven generators of malformed requests: credentials, JSON bodies, ids and query strings.
import { randomBytes } from "node:crypto";
import type { BadCase } from "./harness.ts";

/** Credentials the cases use, as full Authorization header values. */
export interface Creds {
  admin: string;
  adminJwt: string;
  member: string;
  worker: string;
  workerJwt: string;
  /** Another worker of the same organization (does not hold the test run). */
  otherWorker: string;
  /** Admin of another organization. */
  otherAdmin: string;
  /** JWTs that must not verify or must not be accepted. */
  forgedJwt: string;
  expiredJwt: string;
  anonJwt: string;
  noOrgJwt: string;
  noneAlgJwt: string;
}

/** A value spliced into the JSON text as is (numbers JSON.stringify cannot write, etc.). */
export class Raw {
  constructor(readonly text: string) {}
}
const raw = (text: string) => new Raw(text);

/** JSON.stringify that honours Raw values. */
export function toJsonText(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v) => {
    if (v instanceof Raw) {
      raws.push(v.text);
      return `__RAW_${raws.length - 1}__`;
    }
    return v;
  });
  return text.replace(/"__RAW_(\d+)__"/g, (_m, i: string) => raws[Number(i)] ?? "null");
}

const JSON_HEADERS = { "content-type": "application/json" };
const enc = new TextEncoder();

function concat(...parts: (string | number[])[]): Uint8Array {
  const arrays = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
  const out = new Uint8Array(arrays.reduce((n, a) => n + a.byteLength, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.byteLength;
  }
  return out;
}

function nested(depth: number, open: string, close: string, inner = "1"): string {
  return open.repeat(depth) + inner + close.repeat(depth);
}

// ---- value sets --------------------------------------------------------------------------------

export const NOT_STRING: unknown[] = [1, raw("1e308"), true, [], {}, ["x"]];
export const NOT_NULLABLE_STRING: unknown[] = [...NOT_STRING, null];
export const NOT_INT: unknown[] = [
  "1",
  1.5,
  raw("1e308"),
  raw("-1e308"),
  raw("1e309"),
  raw("9223372036854775808"),
  raw("-9223372036854775809"),
  "NaN",
  "Infinity",
  true,
  [],
  {},
  [1],
];
export const NOT_INT_OR_NULL: unknown[] = [...NOT_INT, null];
export const NOT_BOOL: unknown[] = ["true", 1, 0, "yes", [], {}, null];
export const NOT_ARRAY: unknown[] = ["x", 1, true, {}, { 0: "x" }, raw("1e308")];
/** Strings that look right but are not (for fields with a strict pattern). */
export const UNICODE_TRICKS: string[] = [
  "ｃｕｓｔｏｍ", // fullwidth
  "cust\u200bom", // zero-width space
  "\u202emotsuc", // right-to-left override
  "сustom", // Cyrillic с
  "custom\u0301", // combining accent
  "\ud800custom", // lone surrogate
  "custom\u0000", // NUL
  "custom\n",
  "cu stom",
  "🤖",
  "ﬁle", // ligature
];

// ---- credentials -------------------------------------------------------------------------------

/** Every way to send the wrong credential, for an endpoint that needs `audience` tokens. */
export function authCases(
  creds: Creds,
  audience: "api" | "worker",
  base: Omit<BadCase, "name" | "auth">,
): BadCase[] {
  const unauthenticated = { status: 401, codes: ["unauthenticated"] };
  const invalid = { status: 401, codes: ["invalid_token"] };
  const list: [string, string | null, { status?: number; codes?: string[] }][] = [
    ["no Authorization header", null, unauthenticated],
    ["empty Authorization header", "", unauthenticated],
    ["Basic scheme", "Basic dXNlcjpwYXNzd29yZA==", unauthenticated],
    ["Bearer without a token", "Bearer", unauthenticated],
    ["Bearer with two tokens", "Bearer abc def", unauthenticated],
    ["Token scheme", `Token ${creds.admin.slice(7)}`, unauthenticated],
    ["short ow_ token", "Bearer ow_short", invalid],
    // Random, so the per-prefix limit on failed guesses is not what answers.
    ["unknown ow_ token", `Bearer ow_${randomBytes(32).toString("base64url")}`, invalid],
    ["ow_ token with bad characters", `Bearer ow_${"!".repeat(43)}`, invalid],
    ["ow_ token one char too long", `${creds.admin}x`, invalid],
    ["garbage JWT", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJyb2xlIjoiYXV0aGVudGljYXRlZCJ9.c2ln", invalid],
    ["three dots", "Bearer ...", invalid],
    ["very long token", `Bearer ${"a".repeat(6000)}`, invalid],
    ["latin-1 bytes in the token", "Bearer t\u00f6k\u00e9n", invalid],
    ["JWT signed with another secret", creds.forgedJwt, invalid],
    ["expired JWT", creds.expiredJwt, { status: 401, codes: ["token_expired"] }],
    ["JWT with role anon", creds.anonJwt, invalid],
    ["JWT naming no organization", creds.noOrgJwt, invalid],
    ["JWT with alg none", creds.noneAlgJwt, invalid],
  ];
  if (audience === "api") {
    list.push(["worker token on the api", creds.worker, { status: 403, codes: ["forbidden"] }]);
    list.push(["worker JWT on the api", creds.workerJwt, { status: 403, codes: ["forbidden"] }]);
  } else {
    list.push(["admin token on the worker-api", creds.admin, { status: 403, codes: ["forbidden"] }]);
    list.push(["member token on the worker-api", creds.member, { status: 403, codes: ["forbidden"] }]);
    list.push(["admin JWT on the worker-api", creds.adminJwt, { status: 403, codes: ["forbidden"] }]);
  }
  return list.map(([name, auth, expect]) => ({ ...base, name: `auth: ${name}`, auth, ...expect }));
}

// ---- JSON bodies -------------------------------------------------------------------------------

export interface JsonSpec {
  method: string;
  path: string;
  auth: string;
  /** A body that would be accepted: the base every mutation starts from (never sent as is). */
  valid: Record<string, unknown>;
  /** Fields the body cannot go without. */
  required: string[];
  /** Values each field must refuse. */
  bad: Record<string, unknown[]>;
  maxBytes: number;
  /** Whether an empty body (read as `{}`) is itself invalid here. */
  emptyIsInvalid: boolean;
}

const BAD_JSON: [string, string | Uint8Array][] = [
  ["unclosed object", '{"a":'],
  ["single quotes", "{'a': 1}"],
  ["trailing comma", '{"a": 1,}'],
  ["bare word", "undefined"],
  ["NaN literal", '{"a": NaN}'],
  ["trailing garbage", '{"a": 1} x'],
  ["two documents", "{}{}"],
  ["comment", '{"a": 1 /* c */}'],
  ["unquoted key", "{a: 1}"],
  ["control character in a string", '{"a": "x\u0001y"}'],
  ["bad escape", '{"a": "\\x41"}'],
  ["truncated unicode escape", '{"a": "\\u12"}'],
  ["hex number", '{"a": 0x10}'],
  ["leading zero", '{"a": 01}'],
  ["BOM then garbage", concat([0xef, 0xbb, 0xbf], "{nope")],
  ["UTF-16LE body", concat([0xff, 0xfe], [0x7b, 0, 0x7d, 0])],
];

const NOT_OBJECT: [string, string][] = [
  ["array", "[]"],
  ["number", "42"],
  ["huge number", "1e308"],
  ["string", '"body"'],
  ["null", "null"],
  ["true", "true"],
  ["negative zero", "-0"],
];

const WRONG_TYPES = [
  "text/html",
  "application/x-www-form-urlencoded",
  "application/xml",
  "image/png",
  "multipart/form-data; boundary=x",
  "application/octet-stream",
];

export function jsonCases(spec: JsonSpec): BadCase[] {
  const { method, path, auth, valid } = spec;
  const base = { method, path, auth };
  const json = (name: string, body: string | Uint8Array, expect: Partial<BadCase> = {}): BadCase => ({
    ...base,
    name,
    headers: JSON_HEADERS,
    body,
    ...expect,
  });
  const invalidRequest = { status: 400, codes: ["invalid_request"] };
  const cases: BadCase[] = [];
  for (const [name, body] of BAD_JSON) cases.push(json(`bad JSON: ${name}`, body, { status: 400 }));
  for (const [name, body] of NOT_OBJECT)
    cases.push(json(`${name} instead of an object`, body, invalidRequest));
  cases.push(json("array holding the valid object", `[${toJsonText(valid)}]`, invalidRequest));
  for (const [name, text] of [
    ["deeply nested arrays", nested(100_000, "[", "]")],
    ["deeply nested objects", nested(50_000, '{"a":', "}")],
    ["deeply nested value", `{"x":${nested(2_000, '{"a":', "}")}}`],
  ] as const)
    cases.push(json(name, text, { status: text.length > spec.maxBytes ? 413 : 400 }));
  for (const type of WRONG_TYPES)
    cases.push({
      ...base,
      name: `content-type ${type}`,
      headers: { "content-type": type },
      body: toJsonText(valid),
      status: 415,
      codes: ["unsupported_media_type"],
    });
  const filler = "a".repeat(spec.maxBytes + 16);
  cases.push(json("body over the size cap", toJsonText({ ...valid, padding: filler }), { status: 413 }));
  cases.push({
    ...base,
    name: "chunked body over the size cap",
    headers: JSON_HEADERS,
    body: () => chunkedStream(spec.maxBytes + 1024),
    status: 413,
    codes: ["payload_too_large"],
  });
  const validText = toJsonText(valid);
  const invalidUtf8: [string, number[]][] = [
    ["0xFF byte", [0xff]],
    ["overlong slash", [0xc0, 0xaf]],
    ["UTF-16 surrogate", [0xed, 0xa0, 0x80]],
    ["truncated sequence", [0xe2, 0x82]],
    ["continuation byte alone", [0x80]],
  ];
  for (const [name, bytes] of invalidUtf8) {
    // Inside a string value of an otherwise valid body.
    cases.push(
      json(`invalid UTF-8 (${name})`, concat(validText.slice(0, -1), ',"x":"', bytes, '"}'), invalidRequest),
    );
  }
  if (spec.emptyIsInvalid) {
    cases.push(json("empty body", "", invalidRequest));
    cases.push(json("empty object", "{}", invalidRequest));
  }
  cases.push(json("unknown field", toJsonText({ ...valid, unexpected: 1 }), invalidRequest));
  cases.push(json("field named constructor", toJsonText({ ...valid, constructor: {} }), invalidRequest));
  for (const field of spec.required) {
    const { [field]: _drop, ...rest } = valid;
    cases.push(json(`missing ${field}`, toJsonText(rest), invalidRequest));
  }
  for (const [field, values] of Object.entries(spec.bad)) {
    for (const value of values) {
      const shown = value instanceof Raw ? value.text : (JSON.stringify(value) ?? String(value));
      cases.push(
        json(`${field} = ${shown.slice(0, 40)}`, toJsonText({ ...valid, [field]: value }), invalidRequest),
      );
    }
  }
  return cases;
}

function chunkedStream(total: number): ReadableStream<Uint8Array> {
  const chunk = enc.encode(`{"x":"${"a".repeat(65_536)}`);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

// ---- ids and query strings ---------------------------------------------------------------------

/** Path segments that are not a valid id of any kind (already URL-encoded). */
export const BAD_ID_SEGMENTS: string[] = [
  "not-an-id",
  "..%2F..%2Fetc%2Fpasswd",
  "%2F",
  "%00",
  "abc%00def",
  "%FF%FE",
  "%E0%A4%A",
  "%",
  "%25",
  "a".repeat(5000),
  "%27%20OR%201%3D1--",
  "%0d%0aSet-Cookie:%20x",
  "%E2%80%AEdi",
  "%EF%BD%83",
  "%F0%9F%A4%96",
  "null",
  "-1",
  "1e308",
  "%5B%5D",
  "%7B%7D",
  "%24%7Bjndi%3Aldap%3A%2F%2Fx%7D",
  "%20",
];

export const BAD_UUIDS: string[] = [
  ...BAD_ID_SEGMENTS,
  "00000000-0000-0000-0000-00000000000",
  "00000000-0000-0000-0000-0000000000000",
  "gggggggg-gggg-gggg-gggg-gggggggggggg",
  "%7B0b7d6f6e-5a1c-4c1e-9a3c-2f0e6f1d2a3b%7D",
  "0b7d6f6e5a1c4c1e9a3c2f0e6f1d2a3b0",
  "0b7d6f6e-5a1c-4c1e-9a3c-2f0e6f1d2a3b%00",
];

export const BAD_JOB_IDS: string[] = [
  ...BAD_ID_SEGMENTS,
  "custom-12345678901",
  "custom-ABCDEF123456",
  "Custom-123456789abc",
  "custom-123456789abc-",
  "custom-123456789abc-a%2Fb",
  "custom-123456789abc-%00",
  `custom-123456789abc-${"x".repeat(61)}`,
  `${"a".repeat(41)}-123456789abc`,
];

export const BAD_FILE_IDS: string[] = [
  ...BAD_ID_SEGMENTS,
  "conversations:file-12345",
  "CONVERSATIONS:file-123456789abc",
  "conversations:file-123456789ABC",
  "conversations:file-123456789abc%00",
  "conversations%3Afile-..%2F..%2Fx",
  `${"a".repeat(33)}:file-123456789abc`,
];

export function idCases(ids: string[], make: (id: string) => Omit<BadCase, "name">, label = "id"): BadCase[] {
  return ids.map((id) => ({ ...make(id), name: `${label} ${id.slice(0, 40)}` }));
}

/** Query strings (already encoded) every list endpoint must refuse. */
export const BAD_LIST_QUERIES: string[] = [
  "limit=0",
  "limit=-1",
  "limit=-0",
  "limit=1001",
  "limit=abc",
  "limit=1.5",
  "limit=1e308",
  "limit=9223372036854775808",
  "limit=NaN",
  "limit=Infinity",
  "limit=",
  "limit=%00",
  "limit=%FF",
  "limit=1&limit=2",
  "cursor=!!!",
  "cursor=%FF%FE",
  `cursor=${"A".repeat(201)}`,
  `cursor=${b64url("not json")}`,
  `cursor=${b64url('{"t":"x","id":"y"}')}`,
  `cursor=${b64url('{"t":1,"id":"y"}')}`,
  `cursor=${b64url('{"t":"1","id":"y"}')}`,
  `cursor=${b64url('{"t":"0","id":"y"}')}`,
  `cursor=${b64url("[]")}`,
  `cursor=${b64url("null")}`,
  "cursor=a&cursor=b",
  "unknown=1",
  "LIMIT=10",
  "limit[]=1",
];

function b64url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

export function queryCases(queries: string[], make: (query: string) => Omit<BadCase, "name">): BadCase[] {
  return queries.map((q) => ({ ...make(q), name: `query ${q.slice(0, 50)}` }));
}
