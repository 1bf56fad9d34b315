import { A, useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createResource, For, on, onCleanup, Show } from "solid-js";
import { SearchField } from "../../components/search-field.tsx";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { createThrottle } from "../../lib/frame-queue.ts";
import { useApp } from "../../state/app-ctx.tsx";

// The server merges every session's files (GET /api/files); refetched at most this often while
// sessions touch files.
const REFRESH_MS = 2000;

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
  const rows = createMemo(() => {
    const all = data.latest ?? [];
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
        <table class="data">
          <TableHead
            columns={["Path", num("Reads"), num("Writes"), num("Edits"), num("Searches"), "Sessions", "Last"]}
          />
          <tbody>
            <For each={rows()}>
              {(f) => (
                <tr>
                  <td class="mono wrap">{f.path}</td>
                  <td class="num">{f.reads || ""}</td>
                  <td class="num">{f.writes || ""}</td>
                  <td class="num">{f.edits || ""}</td>
                  <td class="num">{f.searches || ""}</td>
                  <td>
                    <For each={f.sessions}>
                      {(s) => (
                        <A class="chip" href={`/sessions/${encodeURIComponent(s.sessionId)}`}>
                          {s.label}
                        </A>
                      )}
                    </For>
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
