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

type FileCounts = { path: string; reads: number; writes: number; edits: number; searches: number };

/** The path and its read / write / edit / search counts: the first cells of every files table. */
export function FileCountCells(props: { file: FileCounts }) {
  return (
    <>
      <td class="mono cell-path">
        <FilePath path={props.file.path} />
      </td>
      <td class="num">{props.file.reads || ""}</td>
      <td class="num">{props.file.writes || ""}</td>
      <td class="num">{props.file.edits || ""}</td>
      <td class="num">{props.file.searches || ""}</td>
    </>
  );
}
