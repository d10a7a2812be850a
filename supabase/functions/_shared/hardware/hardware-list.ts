import { ApiError } from "../http/api-error.ts";

export interface HardwareNames {
  /** The canonical hardware string ("2x H100S") for what a user wrote, or null if unknown. */
  canonical(name: string): string | null;
}

/** Users write "1x a100" or "A100"; workers report canonical strings, so store those. */
export function canonicalHardwareList(
  hardware: HardwareNames,
  list: string[] | null,
  path = "allowed_hardware",
): string[] | null {
  if (!list) return null;
  const canonical = list.map((h) => hardware.canonical(h));
  const unknown = list.flatMap((h, i) =>
    canonical[i] ? [] : [{ path: `${path}.${i}`, message: `unknown hardware "${h}" (see GET /hardware)` }],
  );
  if (unknown.length > 0)
    throw new ApiError(400, "invalid_request", unknown.map((d) => d.message).join("; "), unknown);
  return [...new Set(canonical as string[])];
}
