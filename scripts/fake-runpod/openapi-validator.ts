// RunPod's published OpenAPI document (vendored in ./openapi, see SOURCE.md), checked with Ajv by
// the shared validator: a request RunPod would refuse on schema grounds is refused by the fake too.
import { readFileSync } from "node:fs";
import { createOpenApiValidator, type OpenApiValidator } from "../openapi/validator.ts";

export type { Check, OpenApiValidator, Operation } from "../openapi/validator.ts";

export function loadRunPodValidator(): OpenApiValidator {
  const path = new URL("./openapi/runpod-rest-v2.openapi.json", import.meta.url);
  return createOpenApiValidator({
    document: JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>,
    id: "runpod-v2",
    dialect: "openapi-3.1",
    // `format: float|double` and OpenAPI's `example`/`discriminator`/`x-*` keywords are annotations.
    extraFormats: ["float", "double"],
    annotations: ["example", "discriminator", "x-enum-varnames"],
    // RunPod's document lists every query parameter; an unknown one is a client bug to catch.
    refuseUnknownQuery: true,
  });
}
