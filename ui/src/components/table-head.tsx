import { For } from "solid-js";

/** A column of a data table: its header text, whether it holds numbers (right-aligned), a hint. */
export type Column = { label: string; num?: boolean; title?: string };

/** Shorthand for a numeric column. */
export const num = (label: string, title?: string): Column => ({ label, num: true, title });

/** The header row of a `table.data`: one `th scope="col"` per column. */
export function TableHead(props: { columns: (Column | string)[] }) {
  return (
    <thead>
      <tr>
        <For each={props.columns}>
          {(c) => {
            const col = typeof c === "string" ? { label: c } : c;
            return (
              <th scope="col" class={col.num ? "num" : undefined} title={col.title}>
                {col.label}
              </th>
            );
          }}
        </For>
      </tr>
    </thead>
  );
}
