// The OpenAI-compatible function (`/functions/v1/openai/v1`): files, fine_tuning.jobs, batches,
// models and chat.completions on OpenAI's wire format, so the official `openai` clients work by
// changing `baseURL`. Runtime-neutral: index.ts wires it for Deno; tests call makeApp(deps).
import type { Context } from "hono";
import type { OpenAIErrorBody } from "../_shared/contract/openai/common.ts";
import { openAIErrorType } from "../_shared/contract/openai/common.ts";
import { OPENAI_ROUTES, OpenAIRoutes } from "../_shared/contract/routes/openai.ts";
import { ApiError } from "../_shared/http/api-error.ts";
import { asApiError, createBaseApp } from "../_shared/http/base-app.ts";
import { memberAuthenticator, noAuthentication } from "../_shared/http/callers.ts";
import { mountRoutes } from "../_shared/http/mount.ts";
import { type OpenAIDeps, type OpenAIEnv, route } from "./context.ts";
import { openAIQuery, parseParam } from "./request-parsing.ts";
import { batchRoutes } from "./routes/batches.ts";
import { chatRoutes } from "./routes/chat.ts";
import { fileRoutes } from "./routes/files.ts";
import { fineTuningRoutes } from "./routes/fine-tuning.ts";
import { modelRoutes } from "./routes/models.ts";

export type { OpenAIDeps };

/** Every route's handler; mountRoutes checks they match the declarations one to one. */
function openAIRoutes(deps: OpenAIDeps) {
  return [
    route(OpenAIRoutes.health, async () => ({ ok: true as const })),
    ...fileRoutes(deps),
    ...fineTuningRoutes(deps),
    ...batchRoutes(deps),
    ...modelRoutes(deps),
    ...chatRoutes(deps),
  ];
}

export function makeApp(deps: OpenAIDeps) {
  const app = createBaseApp<OpenAIEnv>({ basePath: "/openai/v1", log: deps.log });
  app.onError((error, c) => renderOpenAIError(c, asApiError(c, error, deps.log)));
  app.notFound((c) =>
    renderOpenAIError(
      c,
      new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`),
    ),
  );
  mountRoutes(app, openAIRoutes(deps), {
    authenticate: { public: noAuthentication, member: memberAuthenticator(deps) },
    query: (c) => openAIQuery(c.req.url),
    parse: parseParam,
    declared: OPENAI_ROUTES,
  });
  return app;
}

/** OpenAI's envelope: the client picks BadRequestError, NotFoundError, … by status and reads `param`. */
function renderOpenAIError(c: Context, error: ApiError): Response {
  const first = error.details?.[0]?.path;
  const body: OpenAIErrorBody = {
    error: {
      message: error.message,
      type: openAIErrorType(error.status),
      param: first && first !== "(body)" ? first : null,
      code: error.code,
    },
  };
  // Answers the client may retry carry the hint explicitly; business conflicts must not be retried.
  if (error.status === 409) c.header("x-should-retry", "false");
  return c.json(body, error.status);
}
