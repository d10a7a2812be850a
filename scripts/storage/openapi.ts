// Storage's published OpenAPI document (vendored in ./openapi, see SOURCE.md), checked with Ajv by
// the shared validator.
import { readFileSync } from "node:fs";
import { createOpenApiValidator, type OpenApiValidator } from "../openapi/validator.ts";

let shared: OpenApiValidator | undefined;

/** Compiling the document takes a moment; one copy serves every stand-in in the process. */
export function storageValidator(): OpenApiValidator {
  shared ??= createOpenApiValidator({
    document: JSON.parse(
      readFileSync(new URL("./openapi/storage.openapi.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>,
    id: "storage",
    dialect: "openapi-3.0",
    annotations: ["example"],
    // storage-js sends no undeclared query parameters on the operations the adapter uses; any
    // other one is a sign of drift.
    refuseUnknownQuery: true,
    // The document gives every error as `4XX` with its errorSchema (def-1); a 5xx would be the
    // stand-in's own failure and must not match anything.
    // Downloads and object info list no success answer at all (fastify-swagger without a response
    // schema): their 200s cannot be checked, everything else is.
    unlistedSuccessUnchecked: true,
  });
  return shared;
}
