import { A } from "@solidjs/router";
import { For, type JSX, Show } from "solid-js";
import type { SessionSummary } from "../../../../src/schema/session.ts";
import { StatusBadge } from "../../components/status-badge.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { formatCost, formatCount, formatDuration, formatPercent, plural, shortId } from "../../lib/format.ts";
import { describeWaiting } from "../../lib/waiting.ts";
import { useApp } from "../../state/app-ctx.tsx";
import { isLive } from "../../state/session-list.ts";
import { PerMinuteChart } from "./per-minute-chart.tsx";
import { ModelsPanel, TelemetryPanel } from "./usage-panels.tsx";

// Enough rows to see the busy tools and errors without pushing the session list off screen.
const TOP_N = 8;

function Card(props: {
  label: string;
  value: string;
  hint?: string;
  tone?: string;
  title?: string;
  children?: JSX.Element;
}) {
  return (
    <div class={`card${props.tone ? ` card-${props.tone}` : ""}`} title={props.title}>
      <dt>{props.label}</dt>
      <dd>
        <span class="card-value">{props.value}</span>
        <Show when={props.hint}>
          <span class="card-hint">{props.hint}</span>
        </Show>
      </dd>
    </div>
  );
}

/** What is not (yet) delivered, else where the spans go. */
function exportHint(x: { failed: number; dropped: number; queued: number }): string {
  const lost = x.failed + x.dropped;
  if (lost > 0) return `${formatCount(lost)} not delivered`;
  return x.queued > 0 ? `${formatCount(x.queued)} on the way` : "as OTLP traces";
}

/**
 * What an active session does between tool calls: the step another agent reported, else the
 * model's turn. Other agents report calls once done, so they never show a current tool.
 */
function notInTool(s: SessionSummary): string {
  if (s.currentStepName !== null || s.currentStepIndex !== null) {
    return `step ${s.currentStepIndex ?? ""} ${s.currentStepName ?? ""}`.replace(/\s+/g, " ").trim();
  }
  return s.source === "telemetry" ? "working…" : "thinking…";
}

export function OverviewView() {
  const app = useApp();
  const stats = () => app.store.stats;
  const tokens = () => {
    const t = stats()?.tokens;
    return t ? t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheCreationTokens : 0;
  };
  const live = () => app.store.sessions.filter((s) => isLive(s.status));
  // The sums of what the sessions hold (stats carry cost per model, not requests per session).
  const llmRequests = () => app.store.sessions.reduce((n, s) => n + (s.llmRequestCount ?? 0), 0);
  // Failed requests (API errors) count as requests; Cost by model counts the ones that answered.
  const failedRequests = () => app.store.sessions.reduce((k, s) => k + (s.apiErrorCount ?? 0), 0);
  const topTools = () =>
    [...(stats()?.tools ?? [])]
      .sort((a, b) => b.count - a.count || a.toolName.localeCompare(b.toolName))
      .slice(0, TOP_N);
  const maxTool = () => Math.max(1, ...topTools().map((t) => t.count));

  return (
    <section class="view overview" aria-labelledby="overview-title">
      <h1 id="overview-title" class="sr-only">
        Overview
      </h1>
      <dl class="cards">
        <Card label="Events" value={formatCount(stats()?.totalEvents ?? app.log().events.length)} />
        <Card
          label="Active sessions"
          value={formatCount(stats()?.activeSessions ?? 0)}
          hint={`of ${stats()?.sessions ?? 0}`}
        />
        <Card
          label="Waiting for you"
          value={formatCount(stats()?.waitingSessions ?? 0)}
          tone={(stats()?.waitingSessions ?? 0) > 0 ? "wait" : undefined}
        />
        <Card label="Events / min" value={formatCount(stats()?.eventsPerMinute ?? 0)} />
        <Card
          label="Error rate"
          value={formatPercent(stats()?.errorRate ?? 0)}
          tone={(stats()?.errorRate ?? 0) > 0.05 ? "error" : undefined}
        />
        <Card
          label="Cost"
          value={tokens() > 0 || (stats()?.totalCostUsd ?? 0) > 0 ? formatCost(stats()?.totalCostUsd) : "—"}
          hint={tokens() > 0 ? plural(tokens(), "token") : "not reported yet"}
        />
        <Show when={stats()?.export.enabled && stats()?.export}>
          {(x) => (
            <Card
              label="Spans exported"
              value={formatCount(x().exported)}
              hint={exportHint(x())}
              tone={x().lastError ? "error" : undefined}
            />
          )}
        </Show>
        <Show when={llmRequests() > 0}>
          <Card
            label="LLM requests"
            value={formatCount(llmRequests())}
            hint={failedRequests() > 0 ? `incl. ${formatCount(failedRequests())} failed` : undefined}
            title={
              failedRequests() > 0
                ? `${plural(failedRequests(), "request")} failed with an API error; Cost by model counts only the ones that answered`
                : undefined
            }
          />
        </Show>
      </dl>

      <div class="grid-2">
        <section class="panel" aria-labelledby="rate-title">
          <h2 id="rate-title">Events per minute</h2>
          <PerMinuteChart buckets={stats()?.perMinute ?? []} />
        </section>
        <section class="panel" aria-labelledby="tools-title">
          <h2 id="tools-title">
            Tool usage <A href="/tools">all tools</A>
          </h2>
          <Show when={topTools().length > 0} fallback={<p class="empty">No tool calls yet.</p>}>
            <ul class="bars">
              <For each={topTools()}>
                {(t) => (
                  <li>
                    <span class="bar-label">{t.toolName}</span>
                    <span class="bar-track">
                      <span
                        class={`bar tool-${toolColorSlot(t.toolName)}`}
                        style={{ width: `${(t.count / maxTool()) * 100}%` }}
                      />
                    </span>
                    <span class="bar-value">
                      {t.count}
                      <Show when={t.failures > 0}>
                        <span class="err-text"> · {t.failures} failed</span>
                      </Show>
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
      </div>

      <div class="grid-2">
        <section class="panel" aria-labelledby="active-title">
          <h2 id="active-title">
            Active sessions <A href="/sessions">all sessions</A>
          </h2>
          <Show when={live().length > 0} fallback={<p class="empty">No session is working right now.</p>}>
            <ul class="active-list">
              <For each={live()}>
                {(s) => (
                  <li>
                    <A href={`/sessions/${encodeURIComponent(s.sessionId)}`} class="active-item">
                      <StatusBadge status={s.status} />
                      <span class="active-main">
                        <span class="active-title">{s.project ?? shortId(s.sessionId)}</span>
                        <span class="muted small ellipsis" title={s.agentId ?? s.hostName ?? undefined}>
                          {s.agentId ?? s.hostName ?? ""}
                        </span>
                      </span>
                      <span class="active-doing">
                        <Show
                          when={s.status === "waiting"}
                          fallback={
                            <Show when={s.currentTool} fallback={<span class="muted">{notInTool(s)}</span>}>
                              {(tool) => (
                                <>
                                  <span
                                    class={`tool-tag tool-${toolColorSlot(tool().toolName)}`}
                                    title={tool().toolName}
                                  >
                                    {tool().toolName}
                                  </span>
                                  <span class="mono ellipsis active-summary" title={tool().summary}>
                                    {tool().summary}
                                  </span>
                                  <span class="muted small nowrap active-dur">
                                    {formatDuration(app.now() - Date.parse(tool().startedAt))}
                                  </span>
                                </>
                              )}
                            </Show>
                          }
                        >
                          <span class="wait-text">waiting: {describeWaiting(s.waitingFor)}</span>
                        </Show>
                      </span>
                    </A>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </section>
        <section class="panel" aria-labelledby="errors-title">
          <h2 id="errors-title">Top errors</h2>
          <Show when={(stats()?.topErrors.length ?? 0) > 0} fallback={<p class="empty">No errors. </p>}>
            <ol class="errors">
              <For each={stats()?.topErrors.slice(0, TOP_N)}>
                {(err) => (
                  <li>
                    <span class="count-pill">{err.count}×</span>
                    <span class="ellipsis err-text" title={err.message}>
                      {err.message}
                    </span>
                    <span class="muted small nowrap">
                      <TimeAgo at={err.lastAt} />
                    </span>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        </section>
      </div>

      <div class="grid-2">
        <ModelsPanel stats={stats()} sessions={app.store.sessions} />
        <TelemetryPanel otlp={stats()?.otlp} activity={stats()?.activity} />
      </div>
    </section>
  );
}
