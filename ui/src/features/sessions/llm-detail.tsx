import { A } from "@solidjs/router";
import { Show } from "solid-js";
import type { LlmRequest, SessionDetail } from "../../../../src/schema/session.ts";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDuration } from "../../lib/format.ts";
import { Times, UsageFields } from "./detail-parts.tsx";
import { tokensOf } from "./waterfall-llm.ts";

/** Claude Code's query sources in words: `sdk` and `repl_main_thread` are the main thread. */
function describeQuerySource(source: string | null): string | null {
  if (!source) return null;
  if (source === "sdk" || source === "repl_main_thread") return `main thread (${source})`;
  if (source.startsWith("agent:")) return `subagent (${source})`;
  return source;
}

/** One LLM request in the detail panel: model, tokens, cost, timing, outcome, and where it came from. */
export function LlmDetail(props: { request: LlmRequest; detail: SessionDetail }) {
  const r = () => props.request;
  const span = () => (r().spanId ? (props.detail.nativeSpans?.find((s) => s.spanId === r().spanId) ?? null) : null);
  const attempts = () => span()?.events.filter((e) => e.name === "gen_ai.request.attempt").length ?? 0;
  const subagent = () =>
    r().subagentId ? (props.detail.subagents.find((a) => a.agentId === r().subagentId) ?? null) : null;
  return (
    <dl class="fields">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={r().status} />
        <Show when={r().statusCode}>
          <span class="muted"> HTTP {r().statusCode}</span>
        </Show>
        <Show when={r().stopReason}>
          <span class="muted"> stop: {r().stopReason}</span>
        </Show>
      </dd>
      <Show when={r().error}>
        <dt>Error</dt>
        <dd class="wrap err-text">{r().error}</dd>
      </Show>
      <dt>Model</dt>
      <dd class="mono">{r().model ?? "—"}</dd>
      <Times startedAt={r().startedAt} endedAt={r().endedAt} />
      <Show when={r().ttftMs !== null}>
        <dt>First token</dt>
        <dd>after {formatDuration(r().ttftMs)}</dd>
      </Show>
      <Show when={r().durationMs !== null && (attempts() > 1 || (r().attempt ?? 1) > 1)}>
        <dt>Last attempt</dt>
        <dd>
          {formatDuration(r().durationMs)}
          <span class="muted">
            {" "}
            · attempt {r().attempt ?? attempts()}
            {attempts() > 1 ? ` of ${attempts()}` : ""}
          </span>
        </dd>
      </Show>
      <UsageFields costUsd={r().costUsd} tokens={tokensOf(r())} />
      <Show when={r().costUsd === null && r().status === "ok"}>
        <dt>Cost</dt>
        <dd class="muted">not known: only the span arrived (its log event carries the cost)</dd>
      </Show>
      <Show when={describeQuerySource(r().querySource)}>
        {(q) => (
          <>
            <dt>Made by</dt>
            <dd>
              {subagent() ? `${subagent()?.agentType} · ` : ""}
              <span class="muted">{q()}</span>
            </dd>
          </>
        )}
      </Show>
      <dt>Turn</dt>
      <dd>{r().turnIndex ?? <span class="muted">none (no prompt of this session matched)</span>}</dd>
      <Show when={r().requestId}>
        <dt>Request id</dt>
        <dd class="mono wrap">{r().requestId}</dd>
      </Show>
      <Show when={r().traceId}>
        <dt>Span</dt>
        <dd class="mono wrap">
          {r().traceId} / {r().spanId}
        </dd>
      </Show>
      <dt>Source</dt>
      <dd>
        <Show when={r().source === "otlp_log"} fallback="Claude Code's llm_request span (no log event yet)">
          Claude Code's {r().status === "error" ? "api_error" : "api_request"} event
          <Show when={r().seq}>
            {(seq) => (
              <>
                {" · "}
                <A href={`/live?session=${encodeURIComponent(props.detail.sessionId)}&event=${seq()}`}>
                  event #{seq()}
                </A>
              </>
            )}
          </Show>
        </Show>
      </dd>
    </dl>
  );
}
