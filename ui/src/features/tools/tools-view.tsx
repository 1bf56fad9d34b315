import { A } from "@solidjs/router";
import { createMemo, For, Show } from "solid-js";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { formatCount, formatDuration, formatPercent, plural } from "../../lib/format.ts";
import { useApp } from "../../state/app-ctx.tsx";

/** Per tool: how often, how often it fails, how long it takes, and the last error. */
export function ToolsView() {
  const app = useApp();
  const tools = createMemo(() =>
    [...(app.store.stats?.tools ?? [])].sort((a, b) => b.count - a.count || a.toolName.localeCompare(b.toolName)),
  );
  return (
    <section class="view" aria-labelledby="tools-title">
      <div class="view-head">
        <h1 id="tools-title">Tools</h1>
      </div>
      <div class="table-wrap">
        <table class="data">
          <TableHead
            columns={[
              "Tool",
              num("Calls"),
              num("Running"),
              num("Failures"),
              num("Failure rate", "Failures over finished calls: running calls are not counted"),
              num("p50"),
              num("p95"),
              "Last error",
            ]}
          />
          <tbody>
            <For each={tools()}>
              {(t) => (
                <tr>
                  <td class="cell-clip cell-tool">
                    <A
                      href={`/live?tool=${encodeURIComponent(t.toolName)}`}
                      class={`tool-tag tool-${toolColorSlot(t.toolName)}`}
                      title={t.toolName}
                    >
                      {t.toolName}
                    </A>
                  </td>
                  <td class="num">{formatCount(t.count)}</td>
                  <td class="num">{t.running || ""}</td>
                  <td class="num" classList={{ "err-text": t.failures > 0 }}>
                    {t.failures}
                  </td>
                  <td class="num" title={`${t.failures} of ${plural(t.count - t.running, "finished call")}`}>
                    <span class="rate-bar" aria-hidden="true">
                      <span style={{ width: `${Math.min(100, t.failureRate * 100)}%` }} />
                    </span>
                    {formatPercent(t.failureRate)}
                  </td>
                  <td class="num">{formatDuration(t.p50Ms)}</td>
                  <td class="num">{formatDuration(t.p95Ms)}</td>
                  <td class="last-error">
                    <Show when={t.lastError} fallback={<span class="muted">—</span>}>
                      <span class="err-text ellipsis" title={t.lastError ?? ""}>
                        {t.lastError}
                      </span>
                      <span class="muted small nowrap">
                        <TimeAgo at={t.lastErrorAt} />
                      </span>
                    </Show>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={tools().length === 0}>
          <p class="empty">No tool calls yet.</p>
        </Show>
      </div>
    </section>
  );
}
