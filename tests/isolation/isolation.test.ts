// Isolation through HTTP (issue 11): two organizations × every token role (admin, member, worker,
// run token, revoked, expired) × every route of the api and the worker-api, through the real Deno
// gateway. The routes come from the Hono apps' own route table (`app.routes`), so a new route is
// covered without editing this file — and the suite fails, naming the route, until it has a sample
// body or parameter value in fixtures.ts. Asserted for every request: no 5xx; no answer carries
// the other organization's data; nothing of the other organization changed. And per role: revoked
// and expired tokens get 401, tokens of the wrong audience 403, and a route that points at the
// other organization's row (its job, file, run, token, worker, member) never answers 2xx.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { API_ROUTES, WORKER_API_ROUTES } from "../../supabase/functions/_shared/contract/routes/index.ts";
import { makeApp as makeApi } from "../../supabase/functions/api/app.ts";
import { makeApp as makeWorkerApi } from "../../supabase/functions/worker-api/app.ts";
import { startTestStack, type TestStack } from "../support/stack.ts";
import {
  fillPath,
  type OrgFixture,
  orgDigest,
  orgFixture,
  ROLES,
  type Role,
  sampleBody,
} from "./fixtures.ts";

interface Route {
  method: string;
  path: string;
}

/** Every route the two apps register (middleware entries are method ALL). */
function routeTable(): Route[] {
  const apps = [makeApi({} as never), makeWorkerApi({} as never)];
  const seen = new Map<string, Route>();
  for (const app of apps)
    for (const r of app.routes)
      if (r.method !== "ALL") seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  // The worker's own stop ends its token: it goes last so the worker's other requests mean something.
  return [...seen.values()].sort(
    (a, b) => Number(a.path.endsWith("/stop")) - Number(b.path.endsWith("/stop")),
  );
}

/** Routes no credential decides, as declared (public, and signed URLs whose signature is the credential). */
const PUBLIC_ROUTES = new Set(
  [API_ROUTES, WORKER_API_ROUTES].flatMap((group) =>
    group.routes
      .filter((r) => r.who === "public" || r.who === "signed_url")
      .map((r) => `${r.method.toUpperCase()} ${group.basePath}${r.path}`),
  ),
);

let stack: TestStack;
const orgs: OrgFixture[] = [];
const tally = { requests: 0, fiveHundreds: 0, routes: 0 };
const problems: string[] = [];

beforeAll(async () => {
  stack = await startTestStack();
  orgs.push(await orgFixture(stack, "a"), await orgFixture(stack, "b"));
}, 180_000);
afterAll(async () => stack?.stop());

async function send(route: Route, role: Role, caller: OrgFixture, target: OrgFixture) {
  const { path, targetsRows } = fillPath(route.path, target);
  const body = sampleBody(route.method, route.path, target);
  const headers: Record<string, string> = { authorization: `Bearer ${caller.credentials[role]}` };
  let payload: string | undefined;
  if (body.json !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body.json);
  } else if (body.raw !== undefined) {
    headers["content-type"] = "application/octet-stream";
    payload = body.raw;
  }
  const res = await fetch(`${stack.url}${path}${body.query ?? ""}`, {
    method: route.method,
    headers,
    ...(payload === undefined ? {} : { body: payload }),
    redirect: "manual",
  });
  const text = await res.text();
  tally.requests += 1;
  if (res.status >= 500) tally.fiveHundreds += 1;
  return { status: res.status, text, sent: `${path}${body.query ?? ""} ${payload ?? ""}`, targetsRows };
}

/** What the answer to `role` of `caller` must be; null when only the cross-organization rules apply. */
function expectedAuth(route: Route, role: Role): { status: number; codes: string[] } | null {
  if (role === "revoked") return { status: 401, codes: ["token_revoked"] };
  if (role === "expired") return { status: 401, codes: ["token_expired"] };
  const workerApi = route.path.startsWith("/worker-api");
  if (workerApi !== (role === "worker")) return { status: 403, codes: ["forbidden"] };
  return null;
}

async function check(route: Route, role: Role, caller: OrgFixture, target: OrgFixture): Promise<void> {
  const label = `${route.method} ${route.path} as ${role} of ${caller.key} on ${target.key}`;
  const write = route.method !== "GET";
  const before = write ? await orgDigest(stack.db.sql, target.orgId) : "";
  const reply = await send(route, role, caller, target);
  if (reply.status >= 500) problems.push(`${label}: ${reply.status} ${reply.text.slice(0, 200)}`);
  const expected = expectedAuth(route, role);
  if (expected) {
    const code = (JSON.parse(reply.text || "{}") as { error?: { code?: string } }).error?.code ?? "";
    if (reply.status !== expected.status || !expected.codes.includes(code))
      problems.push(
        `${label}: ${reply.status} ${code}, expected ${expected.status} ${expected.codes.join("|")}`,
      );
  } else if (reply.targetsRows && reply.status < 400) {
    problems.push(`${label}: ${reply.status} on the other organization's row: ${reply.text.slice(0, 200)}`);
  }
  for (const marker of target.markers)
    if (reply.text.includes(marker) && !reply.sent.includes(marker))
      problems.push(`${label}: the answer carries the other organization's ${marker}`);
  if (write && (await orgDigest(stack.db.sql, target.orgId)) !== before)
    problems.push(`${label}: changed the other organization's rows`);
}

describe("isolation between two organizations, every role, every route", () => {
  it("no cross-organization read or write, 401 for dead tokens, 403 for the wrong audience, no 5xx", async () => {
    const routes = routeTable();
    tally.routes = routes.length;
    expect(routes.length).toBeGreaterThanOrEqual(40);
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      for (const [caller, target] of [
        [orgs[0]!, orgs[1]!],
        [orgs[1]!, orgs[0]!],
      ] as const) {
        for (const role of ROLES) {
          if (PUBLIC_ROUTES.has(key)) {
            // No credential decides these (the exchange's body is the target's own token): 5xx only.
            if (role !== "admin") continue;
            const reply = await send(route, role, caller, target);
            if (reply.status >= 500) problems.push(`${key}: ${reply.status} ${reply.text.slice(0, 200)}`);
            continue;
          }
          await check(route, role, caller, target);
        }
      }
    }
    console.log(
      `isolation: ${tally.routes} routes × ${ROLES.length} roles × 2 organizations: ${tally.requests} requests, ${tally.fiveHundreds} 5xx`,
    );
    expect(problems.slice(0, 15)).toEqual([]);
    expect(tally.fiveHundreds).toBe(0);
  }, 600_000);
});
