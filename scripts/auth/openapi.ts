// GoTrue's published OpenAPI document (vendored in ./openapi, see SOURCE.md), checked with Ajv by
// the shared validator.
import { readFileSync } from "node:fs";
import { load } from "js-yaml";
import { createOpenApiValidator, type OpenApiValidator } from "../openapi/validator.ts";

export function loadGoTrueValidator(): OpenApiValidator {
  const path = new URL("./openapi/gotrue.openapi.yaml", import.meta.url);
  return createOpenApiValidator({
    document: load(readFileSync(path, "utf8")) as Record<string, unknown>,
    id: "gotrue",
    dialect: "openapi-3.0",
    extraFormats: ["phone"],
    annotations: ["example"],
    // supabase-js adds `?redirect_to=` to /signup and /recover when given a redirect, which the
    // document does not list there; undeclared query parameters are let through, declared ones checked.
    refuseUnknownQuery: false,
    // The document lists few error statuses ("HTTP 400 and 422 are used interchangeably", its
    // description says) but every GoTrue error body is its ErrorSchema.
    undocumentedErrorSchema: "ErrorSchema",
    // supabase-js sends `"code_challenge": null, "code_challenge_method": null` outside the PKCE
    // flow; GoTrue, in Go, decodes a JSON null as the field's zero value, i.e. as if absent.
    nullMeansAbsent: true,
    // /signup answers `oneOf: [AccessTokenResponseSchema, UserSchema]`, two open objects with no
    // required field, so every answer matches both and `oneOf` would refuse them all (real GoTrue's
    // too); the document can only mean "either", which is `anyOf`.
    oneOfAsAnyOf: true,
  });
}
