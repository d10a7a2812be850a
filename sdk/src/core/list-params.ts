import type { z } from "zod";

/**
 * A list call's parameters, derived from the contract's query schema (so the SDK cannot offer a
 * filter the api does not take): every field optional, the server fills the defaults.
 */
export type ListParams<Query extends z.ZodType> = Partial<z.output<Query>>;
