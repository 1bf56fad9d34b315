import { For } from "solid-js";

/**
 * A file path that wraps between its directories, so a narrow column puts `notes/` and
 * `todo.txt` on separate lines instead of breaking `file-ops` at its hyphen; the full path is on
 * hover. Each part is an inline block: it moves to the next line whole, and only a part wider
 * than the column breaks inside.
 */
export function FilePath(props: { path: string }) {
  const parts = () => props.path.split(/(?<=[\\/])/);
  return (
    <span class="file-path" title={props.path}>
      <For each={parts()}>{(p) => <span class="path-part">{p}</span>}</For>
    </span>
  );
}
