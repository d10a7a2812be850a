// The strict form of a contract schema, for tests: every object refuses keys the contract does
// not name (at any depth), and an open enum (contract/common.ts openEnum: a known list or any
// string, so old SDKs survive new values) accepts only the known list. The SDK parses answers
// tolerantly; these tests hold the server to exactly what it declares.
import { z } from "zod";

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  keyType?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
};

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

export function strictSchema(schema: z.ZodType): z.ZodType {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return z.strictObject(
        Object.fromEntries(Object.entries(def.shape ?? {}).map(([k, v]) => [k, strictSchema(v)])),
      );
    case "array":
      return z.array(strictSchema(def.element as z.ZodType));
    case "optional":
      return strictSchema(def.innerType as z.ZodType).optional();
    case "nullable":
      return strictSchema(def.innerType as z.ZodType).nullable();
    // An answer always carries a defaulted field: strictly, it is required.
    case "default":
      return strictSchema(def.innerType as z.ZodType);
    case "record":
      return z.record(def.keyType as z.ZodString, strictSchema(def.valueType as z.ZodType));
    case "union": {
      const options = def.options ?? [];
      const known = options.find((o) => defOf(o).type === "enum");
      if (known && options.length === 2 && options.some((o) => defOf(o).type === "string")) return known;
      return z.union(options.map(strictSchema) as [z.ZodType, z.ZodType]);
    }
    default:
      return schema;
  }
}
