import type { ReactNode } from "react";

/**
 * A table's header row. Every column header is a `scope="col"` cell so screen readers name the
 * column of each cell; `before` is a leading cell's content (a select-all checkbox), `actions`
 * adds a last column of row buttons, named for screen readers only.
 */
export function TableHead({
  columns,
  before,
  actions = false,
}: {
  columns: readonly string[];
  before?: ReactNode;
  actions?: boolean;
}) {
  return (
    <thead>
      <tr>
        {before !== undefined && <th scope="col">{before}</th>}
        {columns.map((name) => (
          <th scope="col" key={name}>
            {name}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="sr-only">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
