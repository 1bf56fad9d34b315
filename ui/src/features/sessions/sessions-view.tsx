import { A, useSearchParams } from "@solidjs/router";
import { createMemo, For, Show } from "solid-js";
import { SearchField } from "../../components/search-field.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { num, TableHead } from "../../components/table-head.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { formatCost, formatCount, formatDuration, shortId } from "../../lib/format.ts";
import { describeTokens, hasUsage, OTEL_HINT, totalTokens } from "../../lib/usage.ts";
import { describeWaiting } from "../../lib/waiting.ts";
import { useApp } from "../../state/app-ctx.tsx";
import { sessionDurationMs } from "./session-duration.ts";
import { UsageSourceTag } from "./session-usage.tsx";

export function SessionsView() {
  const app = useApp();
  const [params] = useSearchParams();
  const q = () => (typeof params.q === "string" ? params.q : "");
  const rows = createMemo(() => {
    const needle = q().trim().toLowerCase();
    if (!needle) return app.store.sessions;
    return app.store.sessions.filter((s) =>
      [s.sessionId, s.project, s.cwd, s.agentId, s.hostName, s.containerId, s.model, s.status]
        .filter(Boolean)
        .some((v) => (v as string).toLowerCase().includes(needle)),
    );
  });
  return (
    <section class="view" aria-labelledby="sessions-title">
      <div class="view-head">
        <h1 id="sessions-title">Sessions</h1>
        <SearchField id="sessions-search" label="Filter sessions" placeholder="Filter by project, agent, id…  ( / )" />
      </div>
      <div class="table-wrap">
        <table class="data">
          <TableHead
            columns={[
              "Status",
              "Project",
              "Agent",
              "Started",
              num("Duration"),
              num("Turns"),
              num("Tool calls"),
              num("Errors"),
              num("Tokens", "Input, output and cache tokens"),
              num("Cost"),
            ]}
          />
          <tbody>
            <For each={rows()}>
              {(s) => (
                <tr classList={{ "row-live": s.status === "active" || s.status === "waiting" }}>
                  <td>
                    <StatusBadge status={s.status} title={s.waitingFor ? describeWaiting(s.waitingFor) : undefined} />
                  </td>
                  <td class="cell-main">
                    <A href={`/sessions/${encodeURIComponent(s.sessionId)}`}>{s.project ?? shortId(s.sessionId)}</A>
                    <span class="muted small mono ellipsis" title={s.cwd ?? s.sessionId}>
                      {s.cwd ?? s.sessionId}
                    </span>
                  </td>
                  <td class="cell-clip cell-agent">
                    <span class="ellipsis" title={s.agentId ?? s.hostName ?? undefined}>
                      {s.agentId ?? s.hostName ?? "—"}
                    </span>
                    <Show when={s.containerId}>
                      <span class="muted small ellipsis" title={s.containerId ?? undefined}>
                        container {s.containerId}
                      </span>
                    </Show>
                  </td>
                  <td class="nowrap">
                    <TimeAgo at={s.startedAt} />
                  </td>
                  <td class="num">{formatDuration(sessionDurationMs(s, app.now()))}</td>
                  <td class="num">{s.turnCount}</td>
                  <td class="num">{formatCount(s.toolCallCount)}</td>
                  <td class="num" classList={{ "err-text": s.errorCount > 0 }}>
                    {s.errorCount}
                  </td>
                  <td class="num" title={totalTokens(s.tokens) > 0 ? describeTokens(s.tokens) : undefined}>
                    {totalTokens(s.tokens) > 0 ? formatCount(totalTokens(s.tokens)) : "—"}
                  </td>
                  <Show
                    when={hasUsage(s)}
                    fallback={
                      <td class="num muted" title={`No cost data: hooks carry none (run ${OTEL_HINT})`}>
                        —
                      </td>
                    }
                  >
                    <td class="num nowrap cell-cost">
                      {formatCost(s.totalCostUsd)}
                      <UsageSourceTag session={s} />
                    </td>
                  </Show>
                </tr>
              )}
            </For>
          </tbody>
        </table>
        <Show when={rows().length === 0}>
          <p class="empty">{app.store.sessions.length === 0 ? "No sessions yet." : "No session matches."}</p>
        </Show>
      </div>
    </section>
  );
}
