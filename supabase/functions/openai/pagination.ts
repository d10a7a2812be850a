// OpenAI's cursor lists: the next page is asked for with `after=<id of the last item>`. Rows are
// ordered by (created_at, id) — newest first unless asked otherwise — so `after` resolves to that
// row's key and the page continues strictly past it, on the same indexes the native lists use.
import type { Tx } from "../_shared/db/session.ts";
import { ApiError } from "../_shared/http/api-error.ts";

export interface ListSpec {
  /** A table with organization_id, id and created_at. */
  table: "public.files" | "public.jobs" | "openai.batches";
  /** The table's alias in `columns` and `filter`, needed when `join` brings in other tables. */
  as?: string;
  /** Tables joined to each row, e.g. `join public.jobs j on j.id = b.id`. */
  join?: string;
  columns: string;
  org: string;
  /** Extra SQL condition; its values are $4, $5, … */
  filter?: string;
  filterValues?: unknown[];
  after: string | undefined;
  limit: number;
  order?: "asc" | "desc";
}

export interface OpenAIListPage<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

/** Reads one page (limit + 1 rows: the extra one only says whether more exist). */
export async function listPage(
  tx: Tx,
  spec: ListSpec,
): Promise<<T>(toWire: (row: Record<string, unknown>) => T) => OpenAIListPage<T>> {
  if (spec.after !== undefined) {
    const [anchor] = await tx.unsafe(`select 1 from ${spec.table} where organization_id = $1 and id = $2`, [
      spec.org,
      spec.after,
    ]);
    if (!anchor)
      throw new ApiError(400, "invalid_request", `after: no item with id ${spec.after}`, [
        { path: "after", message: "not an id from this list" },
      ]);
  }
  const desc = spec.order !== "asc";
  const t = spec.as ?? "t";
  const rows = await tx.unsafe(
    `select ${spec.columns} from ${spec.table} ${t} ${spec.join ?? ""}
     where ${t}.organization_id = $1 and ${spec.filter ?? "true"}
       and ($2::text is null or (${t}.created_at, ${t}.id) ${desc ? "<" : ">"}
            (select a.created_at, a.id from ${spec.table} a where a.organization_id = $1 and a.id = $2))
     order by ${t}.created_at ${desc ? "desc" : "asc"}, ${t}.id ${desc ? "desc" : "asc"} limit $3`,
    [spec.org, spec.after ?? null, spec.limit + 1, ...(spec.filterValues ?? [])] as never[],
  );
  return <T>(toWire: (row: Record<string, unknown>) => T) => {
    const data = rows.slice(0, spec.limit).map((r) => toWire(r as Record<string, unknown>));
    const ids = data.map((d) => (d as { id: string }).id);
    return {
      object: "list",
      data,
      has_more: rows.length > spec.limit,
      first_id: ids[0] ?? null,
      last_id: ids.at(-1) ?? null,
    };
  };
}

/** A page of an in-memory list (events, checkpoints: assembled per job, newest first). */
export function pageOf<T extends { id: string }>(items: T[], after: string | undefined, limit: number) {
  let start = 0;
  if (after !== undefined) {
    const index = items.findIndex((i) => i.id === after);
    if (index < 0)
      throw new ApiError(400, "invalid_request", `after: no item with id ${after}`, [
        { path: "after", message: "not an id from this list" },
      ]);
    start = index + 1;
  }
  const data = items.slice(start, start + limit);
  return {
    object: "list" as const,
    data,
    has_more: start + limit < items.length,
    first_id: data[0]?.id ?? null,
    last_id: data.at(-1)?.id ?? null,
  };
}
