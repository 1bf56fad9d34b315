import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, Show } from "solid-js";
import type { FileRow } from "../../../../src/schema/wire.ts";
import { FileCountCells } from "../../components/file-path.tsx";
import { SearchField } from "../../components/search-field.tsx";
import { SessionChip } from "../../components/session-chip.tsx";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { createThrottle } from "../../lib/frame-queue.ts";
import { createKeyedList } from "../../lib/keyed-list.ts";
import { useApp } from "../../state/app-ctx.tsx";

// The server merges every session's files (GET /api/files); refetched at most this often while
// sessions touch files.
const REFRESH_MS = 2000;
// A file many sessions touched would list them all and crowd out its path; the rest wait behind "+N more".
const CHIPS_SHOWN = 3;

/** The sessions that touched a file, most recent first, the first few until asked for all. */
function FileSessions(props: { sessions: FileRow["sessions"] }) {
  const [all, setAll] = createSignal(false);
  const hidden = () => props.sessions.length - CHIPS_SHOWN;
  return (
    <div class="chips">
      <For each={all() ? props.sessions : props.sessions.slice(0, CHIPS_SHOWN)}>
        {(s) => <SessionChip sessionId={s.sessionId} project={s.label} />}
      </For>
      <Show when={hidden() > 0}>
        <button type="button" class="link small" aria-expanded={all()} onClick={() => setAll(!all())}>
          {all() ? "fewer" : `+${hidden()} more`}
        </button>
      </Show>
    </div>
  );
}

export function FilesView() {
  const app = useApp();
  const [params] = useSearchParams();
  const q = () => (typeof params.q === "string" ? params.q : "");
  const [data, { refetch }] = createResource(() => app.api.files());
  const throttle = createThrottle(() => void refetch(), REFRESH_MS);
  onCleanup(() => throttle.cancel());
  createEffect(
    on(
      () => app.store.sessions.reduce((n, s) => n + s.fileCount + s.toolCallCount, 0),
      () => throttle.call(),
      { defer: true },
    ),
  );
  // Keyed so a refetch keeps each row (and its opened "+N more") instead of rebuilding the table.
  const files = createKeyedList(() => data.latest ?? [], "path");
  const rows = createMemo(() => {
    const all = files();
    const needle = q().trim().toLowerCase();
    return needle ? all.filter((r) => r.path.toLowerCase().includes(needle)) : all;
  });

  return (
    <section class="view" aria-labelledby="files-title">
      <div class="view-head">
        <h1 id="files-title">Files</h1>
        <SearchField id="files-search" label="Filter files" placeholder="Filter by path…  ( / )" />
      </div>
      <div class="table-wrap">
        <table class="data files">
          <TableHead
            columns={["Path", num("Reads"), num("Writes"), num("Edits"), num("Searches"), "Sessions", "Last"]}
          />
          <tbody>
            <For each={rows()}>
              {(f) => (
                <tr>
                  <FileCountCells file={f} />
                  <td class="cell-sessions">
                    <FileSessions sessions={f.sessions} />
                  </td>
                  <td class="nowrap">
                    <TimeAgo at={f.lastAt} />
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={rows().length === 0}>
          <p class="empty">{data.loading ? "Loading…" : "No files touched yet."}</p>
        </Show>
      </div>
    </section>
  );
}
