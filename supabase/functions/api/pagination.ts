// Keyset pagination: the cursor is the (created_at, id) of the last row, opaque to clients.
import type { PageOf } from "../_shared/contract/common.ts";
import type { Row } from "../_shared/db/row-mapper.ts";
import { ApiError } from "../_shared/http/api-error.ts";

export interface CursorKey {
  t: string;
  id: string;
}

export function encodeCursor(key: CursorKey): string {
  return btoa(JSON.stringify(key)).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

/** What encodeCursor writes (Date#toISOString); anything else was not issued by this api. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

export function decodeCursor(cursor: string | undefined): CursorKey | null {
  if (!cursor) return null;
  try {
    const json = atob(cursor.replaceAll("-", "+").replaceAll("_", "/"));
    const key = JSON.parse(json) as Partial<CursorKey>;
    if (
      typeof key.t === "string" &&
      typeof key.id === "string" &&
      ISO_INSTANT.test(key.t) &&
      !Number.isNaN(Date.parse(key.t)) &&
      key.id.length <= 200
    )
      return { t: key.t, id: key.id };
  } catch {
    // fall through
  }
  throw new ApiError(400, "invalid_request", "cursor is not valid", [
    { path: "cursor", message: "not a cursor this api issued" },
  ]);
}

/** Takes limit+1 rows: the extra one only says whether a next page exists. */
export function page<W>(rows: readonly Row[], limit: number, toWire: (row: Row) => W): PageOf<W> {
  const more = rows.length > limit;
  const data = rows.slice(0, limit);
  const last = data.at(-1);
  const t = last?.created_at instanceof Date ? last.created_at.toISOString() : String(last?.created_at ?? "");
  return {
    object: "list" as const,
    data: data.map((row) => toWire(row)),
    next_cursor: more && last ? encodeCursor({ t, id: String(last.id) }) : null,
  };
}
