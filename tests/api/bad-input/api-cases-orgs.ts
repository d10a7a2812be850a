// Bad requests for organizations, their limits and their usage (issue 15's routes).
import { type ApiFixture, forbidden, get, invalidRequest, JSON_HEADERS } from "./api-cases-shared.ts";
import {
  authCases,
  jsonCases,
  NOT_INT,
  NOT_NULLABLE_STRING,
  NOT_STRING,
  queryCases,
  Raw,
} from "./generators.ts";
import type { BadCase } from "./harness.ts";

const NOT_USD: unknown[] = [
  ...NOT_STRING.filter((v) => typeof v !== "number"),
  "5",
  -1,
  0.001,
  1e12,
  new Raw("1e999"),
];

export function organizationFamily(f: ApiFixture): BadCase[] {
  const { creds } = f;
  const cases: BadCase[] = [];
  cases.push(...authCases(creds, "api", get("/api/organizations", "")));
  const create = { method: "POST", path: "/api/organizations", headers: JSON_HEADERS, body: '{"name":"x"}' };
  cases.push(...authCases(creds, "api", create));
  cases.push({ ...create, name: "member creates an organization", auth: creds.member, ...forbidden });
  cases.push(
    ...jsonCases({
      method: "POST",
      path: "/api/organizations",
      auth: creds.admin,
      valid: { name: "new org" },
      required: ["name"],
      bad: { name: [...NOT_NULLABLE_STRING, "", "   ", "x".repeat(101)] },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );

  cases.push(...authCases(creds, "api", get("/api/organization/limits", "")));
  const limits = {
    method: "PATCH",
    path: "/api/organization/limits",
    headers: JSON_HEADERS,
    body: '{"max_workers":1}',
  };
  cases.push(...authCases(creds, "api", limits));
  cases.push({ ...limits, name: "member changes the limits", auth: creds.member, ...forbidden });
  cases.push(
    ...jsonCases({
      method: "PATCH",
      path: "/api/organization/limits",
      auth: creds.admin,
      valid: { max_workers: 4, max_hourly_usd: 10, max_daily_usd: null },
      required: [],
      bad: {
        max_workers: [...NOT_INT, null, -1, 1001],
        max_hourly_usd: NOT_USD,
        max_daily_usd: NOT_USD,
      },
      maxBytes: 1_000_000,
      emptyIsInvalid: true,
    }),
  );

  cases.push(...authCases(creds, "api", get("/api/organization/usage", "")));
  cases.push(
    ...queryCases(
      ["since=yesterday", "since=", "since=2026-13-01T00:00:00Z", "job_id=", "bogus=1", "since=a&since=b"],
      (q) => ({ ...get(`/api/organization/usage?${q}`, creds.admin), ...invalidRequest }),
    ),
  );
  return cases;
}
