// The pod agent's HTTP surface as a Hono app (served by @hono/node-server in pod-agent.ts, tested
// with app.request() in pod-agent-app.test.ts). Routes, the bearer check, the body limit and the
// error shape `{"error":{"code","message"}}` (local-agent-protocol.ts AgentError) are declared
// here; what a request does is AgentState's (pod-agent.ts).
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type {
  AgentCapacity,
  AgentErrorCode,
  AgentPod,
} from "../../supabase/functions/_shared/providers/local-agent-protocol.ts";

/** What the routes need from the agent. */
export interface PodAgentActions {
  capacity(): AgentCapacity;
  snapshot(): AgentPod[];
  /** Starts a pod from a request body not yet checked. */
  create(body: unknown): Promise<AgentPod>;
  get(id: string): AgentPod | undefined;
  /** Stops and forgets a pod; false when there is none. */
  remove(id: string): Promise<boolean>;
}

export class AgentHttpError extends Error {
  constructor(
    readonly status: 400 | 401 | 404 | 409 | 413 | 422 | 503,
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1024 * 1024;

export function makePodAgentApp(agent: PodAgentActions, token: string): Hono {
  // strict: false — "/pods/" is "/pods", as the hand-written router treated it.
  const app = new Hono({ strict: false });

  app.use(async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match?.[1]?.trim() !== token) throw new AgentHttpError(401, "unauthorized", "bad or missing token");
    await next();
  });

  app.get("/capacity", (c) => c.json(agent.capacity()));

  app.get("/pods", (c) => {
    const deploymentId = c.req.query("deploymentId");
    const pods = agent
      .snapshot()
      .filter((p) => deploymentId === undefined || p.deploymentId === deploymentId);
    return c.json({ pods });
  });

  app.post(
    "/pods",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new AgentHttpError(413, "invalid_request", `request body: over ${MAX_BODY_BYTES} bytes`);
      },
    }),
    async (c) => {
      const text = await c.req.text();
      if (text.trim() === "") throw new AgentHttpError(400, "invalid_request", "request body: empty");
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new AgentHttpError(400, "invalid_request", "request body: invalid_json");
      }
      return c.json(await agent.create(body), 201);
    },
  );

  app.get("/pods/:id", (c) => {
    const pod = agent.get(c.req.param("id"));
    if (!pod) throw new AgentHttpError(404, "not_found", "no such pod");
    return c.json(pod);
  });

  app.delete("/pods/:id", async (c) => {
    if (!(await agent.remove(c.req.param("id")))) throw new AgentHttpError(404, "not_found", "no such pod");
    return c.body(null, 204);
  });

  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `no route ${c.req.method} ${c.req.path}` } }, 404),
  );

  app.onError((error, c) => {
    if (error instanceof AgentHttpError)
      return c.json({ error: { code: error.code, message: error.message } }, error.status);
    console.error("pod agent:", error);
    return c.json({ error: { code: "internal", message: "pod agent failed; see its log" } }, 500);
  });

  return app;
}
