// Bad requests for token exchange, me/organization, tokens, members and secrets.
// Malformed requests for every route of the public `api` function, grouped by endpoint family.

import {
  type ApiFixture,
  forbidden,
  get,
  invalidRequest,
  JSON_HEADERS,
  notFound,
  UNKNOWN_UUID,
} from "./api-cases-shared.ts";
import {
  authCases,
  BAD_ID_SEGMENTS,
  BAD_UUIDS,
  idCases,
  jsonCases,
  NOT_INT_OR_NULL,
  NOT_NULLABLE_STRING,
  Raw,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";

export function authFamily(f: ApiFixture): BadCase[] {
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

export function accessFamily(f: ApiFixture): BadCase[] {
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
