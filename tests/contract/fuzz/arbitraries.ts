// fast-check arbitraries from the JSON Schemas of the OpenAPI document (docs/openapi.json, made
// from the route declarations): values that mostly fit the schema. Whether a value really fits is
// decided by the route's own zod schema (refinements such as mount paths or `streams` having one
// character per line are not in JSON Schema), so the suite classifies each request rather than
// filtering: a request its schema refuses must be a 4xx; one it accepts may be anything but a 5xx.
import fc from "fast-check";

type Json = Record<string, unknown>;

const MAX_ITEMS = 3;
const MAX_TEXT = 24;

function stringArb(s: Json): fc.Arbitrary<string> {
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as string[]));
  if (s.format === "date-time")
    return fc
      .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (s.format === "uuid") return fc.uuid();
  if (s.format === "email") return fc.emailAddress();
  const min = Number(s.minLength ?? 0);
  const max = Math.max(min, Math.min(Number(s.maxLength ?? MAX_TEXT), MAX_TEXT));
  if (typeof s.pattern === "string") {
    try {
      return fc.stringMatching(new RegExp(s.pattern)).map((v) => v.slice(0, Number(s.maxLength ?? 200)));
    } catch {
      // a pattern fast-check cannot generate from: plain strings (classified by zod anyway)
    }
  }
  return fc.string({ minLength: min, maxLength: max });
}

function numberArb(s: Json): fc.Arbitrary<number> {
  const min = typeof s.minimum === "number" ? s.minimum : -1e6;
  const max = typeof s.maximum === "number" ? s.maximum : 1e6;
  if (s.type === "integer")
    return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31) });
  if (s.multipleOf === 0.01)
    return fc
      .integer({ min: Math.ceil(min * 100), max: Math.floor(Math.min(max, 1e7) * 100) })
      .map((n) => n / 100);
  return fc.double({ min, max: Math.min(max, 1e9), noNaN: true, noDefaultInfinity: true });
}

/** An arbitrary for a JSON Schema (as zod's z.toJSONSchema writes them). */
export function arbitraryFor(schema: Json | undefined): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0) return fc.jsonValue({ maxDepth: 2 });
  if (Array.isArray(schema.anyOf)) return fc.oneof(...(schema.anyOf as Json[]).map(arbitraryFor));
  if (Array.isArray(schema.oneOf)) return fc.oneof(...(schema.oneOf as Json[]).map(arbitraryFor));
  if (Array.isArray(schema.allOf)) return arbitraryFor(schema.allOf[0] as Json);
  if ("const" in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case "string":
      return stringArb(schema);
    case "integer":
    case "number":
      return numberArb(schema);
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(arbitraryFor(schema.items as Json), {
        minLength: Number(schema.minItems ?? 0),
        maxLength: Math.max(
          Number(schema.minItems ?? 0),
          Math.min(Number(schema.maxItems ?? MAX_ITEMS), MAX_ITEMS),
        ),
      });
    case "object": {
      const props = schema.properties as Record<string, Json> | undefined;
      if (props) {
        const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryFor(v)]));
        return fc.record(model, { requiredKeys: (schema.required ?? []) as string[] });
      }
      const values = schema.additionalProperties;
      return fc.dictionary(
        fc.string({ minLength: 1, maxLength: 8 }),
        typeof values === "object" ? arbitraryFor(values as Json) : fc.jsonValue({ maxDepth: 1 }),
        { maxKeys: MAX_ITEMS },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A value that is almost never what a field wants: another JSON type. */
export const strangeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.integer(),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({ nested: { deeper: [1, "x"] } }),
  fc.constant("x".repeat(5000)),
  fc.constant(-1),
  fc.constant(1e300),
);
