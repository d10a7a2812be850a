// A route exists only as a declaration: the apps serve exactly the declared routes, a route whose
// caller kind the app cannot authenticate (or a declaration without a handler, or a handler
// without a declaration) stops the app at start-up, and an answer outside its declared contract
// is a 500 — never a malformed body.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ALL_FUNCTION_ROUTES,
  API_ROUTES,
  SCALE_ROUTES,
  WORKER_API_ROUTES,
} from "../../supabase/functions/_shared/contract/routes/index.ts";
import { OPENAI_ROUTES } from "../../supabase/functions/_shared/contract/routes/openai.ts";
import { createBaseApp } from "../../supabase/functions/_shared/http/base-app.ts";
import { noAuthentication } from "../../supabase/functions/_shared/http/callers.ts";
import { defineRoute, implementer } from "../../supabase/functions/_shared/http/define-route.ts";
import { mountRoutes } from "../../supabase/functions/_shared/http/mount.ts";
import { makeApp as makeApi } from "../../supabase/functions/api/app.ts";
import { makeApp as makeOpenAI } from "../../supabase/functions/openai/app.ts";
import { makeApp as makeScale } from "../../supabase/functions/scale/app.ts";
import { makeApp as makeWorkerApi } from "../../supabase/functions/worker-api/app.ts";

const route = implementer<unknown>();

describe("route declarations", () => {
  it("each app serves exactly its declared routes (nothing mounted around the declarations)", () => {
    const apps = [
      [API_ROUTES, makeApi({} as never)],
      [WORKER_API_ROUTES, makeWorkerApi({} as never)],
      [SCALE_ROUTES, makeScale({} as never)],
      [{ basePath: "/openai/v1", routes: OPENAI_ROUTES }, makeOpenAI({} as never)],
    ] as const;
    for (const [group, app] of apps) {
      const served = app.routes
        .filter((r) => r.method !== "ALL")
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      const declared = group.routes
        .map((r) => `${r.method.toUpperCase()} ${r.path === "/" ? group.basePath : group.basePath + r.path}`)
        .sort();
      expect(served).toEqual(declared);
    }
    expect(ALL_FUNCTION_ROUTES.flatMap((g) => g.routes).length).toBeGreaterThanOrEqual(55);
  });

  it("names every operation once", () => {
    const names = [...ALL_FUNCTION_ROUTES.flatMap((g) => g.routes), ...OPENAI_ROUTES].map((r) => r.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("refuses at start-up a route whose caller kind the app cannot authenticate", () => {
    const workerOnly = defineRoute({
      name: "test.worker",
      method: "get",
      path: "/w",
      summary: "x",
      who: "worker",
      response: z.object({}),
    });
    const undeclared = { ...workerOnly, who: undefined } as unknown as typeof workerOnly;
    for (const contract of [workerOnly, undeclared])
      expect(() =>
        mountRoutes(new Hono(), [route(contract, async () => ({}))], {
          authenticate: { public: noAuthentication },
        }),
      ).toThrow(/cannot authenticate/);
  });

  it("refuses at start-up a declared route without a handler and a handler without a declaration", () => {
    const [first, second] = API_ROUTES.routes;
    const options = { authenticate: { public: noAuthentication }, declared: [first!] };
    expect(() => mountRoutes(new Hono(), [], options)).toThrow(/declared without a handler \[health\]/);
    expect(() =>
      mountRoutes(
        new Hono(),
        [route(first!, async () => ({ ok: true }) as never), route(second!, async () => ({}) as never)],
        options,
      ),
    ).toThrow(/handled but not declared for this function \[openapi\]/);
  });

  it("answers 500 internal_error, not the body, when a handler answers outside its contract", async () => {
    const contract = defineRoute({
      name: "test.broken",
      method: "get",
      path: "/broken",
      summary: "x",
      who: "public",
      response: z.object({ bytes: z.number() }),
    });
    const logged: string[] = [];
    const app = createBaseApp({ basePath: "/t", log: (line) => logged.push(line) });
    mountRoutes(app, [route(contract, async () => ({ bytes: "12" as unknown as number }))], {
      authenticate: { public: noAuthentication },
    });
    const res = await app.request("/t/broken");
    expect(res.status).toBe(500);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("internal_error");
    expect(logged.join("\n")).toMatch(/GET \/broken answered outside its contract/);
  });
});
