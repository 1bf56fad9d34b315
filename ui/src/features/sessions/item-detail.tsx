import { createResource, For, Match, Show, Switch } from "solid-js";
import type { NativeSpan, SessionDetail, Subagent, ToolCall, Turn } from "../../../../src/schema/session.ts";
import { ExternalLink } from "../../components/external-link.tsx";
import { JsonBlock } from "../../components/json-block.tsx";
import { StatusBadge } from "../../components/status-badge.tsx";
import { formatDuration, plural } from "../../lib/format.ts";
import { formatExact } from "../../lib/usage.ts";
import { useApp } from "../../state/app-ctx.tsx";
import { Times, UsageFields } from "./detail-parts.tsx";
import { LlmDetail } from "./llm-detail.tsx";
import type { SessionItem } from "./session-item.ts";
import { toolIo } from "./tool-io.ts";
import { sumRequests } from "./waterfall-llm.ts";

function TurnDetail(props: { turn: Turn }) {
  return (
    <dl class="fields">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={props.turn.status} /> <span class="muted">{props.turn.outcome ?? ""}</span>
      </dd>
      <Times startedAt={props.turn.startedAt} endedAt={props.turn.endedAt} />
      <dt>Prompt</dt>
      <dd class="wrap">{props.turn.promptPreview || "—"}</dd>
      <dt>Tool calls</dt>
      <dd>
        {props.turn.toolCallCount} · {plural(props.turn.errorCount, "error")}
      </dd>
      <Show when={props.turn.llmRequestCount}>
        <dt>LLM requests</dt>
        <dd>{props.turn.llmRequestCount} (its subagents' included)</dd>
        <UsageFields costUsd={props.turn.costUsd} tokens={props.turn.tokens} />
      </Show>
      <Show when={props.turn.traceId}>
        <dt>Trace</dt>
        <dd class="mono">
          <ExternalLink href={props.turn.traceUrl} fallback={props.turn.traceId}>
            Open in Jaeger ↗
          </ExternalLink>
        </dd>
      </Show>
    </dl>
  );
}

/** Claude Code's own view of the call (its tool_decision / tool_result events and tool spans). */
function NativeToolFields(props: { call: ToolCall; spans: readonly NativeSpan[] }) {
  // The permission check (`blocked_on_user`) span carries no tool_use_id: it hangs under the
  // call's `claude_code.tool` span.
  const wait = () => {
    const tool = props.spans.find((s) => s.name === "claude_code.tool" && s.toolUseId === props.call.toolUseId);
    return tool
      ? props.spans.find((s) => s.name === "claude_code.tool.blocked_on_user" && s.parentSpanId === tool.spanId)
      : undefined;
  };
  return (
    <Show when={props.call.native}>
      {(n) => (
        <>
          <Show when={n().decision}>
            <dt>Decision</dt>
            <dd>
              {n().decision}
              <Show when={n().decisionSource}>
                <span class="muted"> by {n().decisionSource}</span>
              </Show>
              <Show when={wait()}>
                {(w) => <span class="muted"> · permission check {formatDuration(w().durationMs)}</span>}
              </Show>
            </dd>
          </Show>
          <Show when={n().durationMs !== null || n().resultBytes !== null}>
            <dt>Claude Code</dt>
            <dd>
              {n().success === false ? "failed" : n().success ? "ok" : ""}
              {n().durationMs !== null ? ` · ran ${formatDuration(n().durationMs)}` : ""}
              {n().resultBytes !== null
                ? ` · ${formatExact(n().resultBytes)} ${n().resultBytes === 1 ? "byte" : "bytes"} of result`
                : ""}
            </dd>
          </Show>
          <Show when={n().error && n().error !== props.call.error}>
            <dt>Its error</dt>
            <dd class="wrap err-text">{n().error}</dd>
          </Show>
        </>
      )}
    </Show>
  );
}

function ToolDetail(props: { call: ToolCall; spans: readonly NativeSpan[] }) {
  const app = useApp();
  const [io] = createResource(
    () => [props.call.startSeq, props.call.endSeq] as const,
    async ([start, end]) => {
      const [pre, post] = await Promise.all([
        start ? app.eventBySeq(start).catch(() => null) : null,
        end ? app.eventBySeq(end).catch(() => null) : null,
      ]);
      return { pre, post };
    },
  );
  const captured = () => toolIo(io.latest?.pre, io.latest?.post, props.call.toolUseId);
  return (
    <>
      <dl class="fields">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={props.call.status} />
        </dd>
        <Times startedAt={props.call.startedAt} endedAt={props.call.endedAt} durationMs={props.call.durationMs} />
        <Show when={props.call.command}>
          <dt>Command</dt>
          <dd class="mono wrap">{props.call.command}</dd>
        </Show>
        <Show when={!props.call.command && props.call.summary}>
          <dt>Summary</dt>
          <dd class="wrap">{props.call.summary}</dd>
        </Show>
        <Show when={props.call.error}>
          <dt>Error</dt>
          <dd class="wrap err-text">{props.call.error}</dd>
        </Show>
        <Show when={props.call.filePaths.length > 0}>
          <dt>Files</dt>
          <dd>
            <ul class="plain mono">
              <For each={props.call.filePaths}>{(p) => <li class="wrap">{p}</li>}</For>
            </ul>
          </dd>
        </Show>
        <NativeToolFields call={props.call} spans={props.spans} />
        <dt>Tool use id</dt>
        <dd class="mono wrap">{props.call.toolUseId}</dd>
      </dl>
      <Show when={!io.loading || io.latest} fallback={<p class="muted">Loading input and output…</p>}>
        <Show
          when={captured().input !== undefined}
          fallback={
            <Show when={props.call.startSeq !== null || props.call.endSeq !== null}>
              <p class="muted small">Input no longer held by the server.</p>
            </Show>
          }
        >
          <h3>Input</h3>
          <JsonBlock value={captured().input} label="Tool input JSON" />
        </Show>
        <Show
          when={captured().output !== undefined}
          fallback={
            <Show when={props.call.endSeq !== null && !io.latest?.post}>
              <p class="muted small">Output no longer held by the server.</p>
            </Show>
          }
        >
          <h3>Output</h3>
          <JsonBlock value={captured().output} label="Tool output JSON" />
        </Show>
      </Show>
    </>
  );
}

function SubagentDetail(props: { agent: Subagent; detail: SessionDetail }) {
  const requests = () => (props.detail.llmRequests ?? []).filter((r) => r.subagentId === props.agent.agentId);
  const used = () => sumRequests(requests());
  return (
    <dl class="fields">
      <dt>Status</dt>
      <dd>
        <StatusBadge status={props.agent.status} />
        {props.agent.background ? <span class="muted"> background</span> : null}
      </dd>
      <Times startedAt={props.agent.startedAt} endedAt={props.agent.endedAt} />
      <dt>Type</dt>
      <dd>{props.agent.agentType}</dd>
      <dt>Agent id</dt>
      <dd class="mono wrap">{props.agent.agentId}</dd>
      <dt>Tool calls</dt>
      <dd>{props.agent.toolCallCount}</dd>
      <Show when={requests().length > 0}>
        <dt>LLM requests</dt>
        <dd>{requests().length}</dd>
        <UsageFields costUsd={used().costUsd} tokens={used().tokens} />
      </Show>
    </dl>
  );
}

function itemTitle(item: SessionItem): string {
  switch (item.kind) {
    case "turn":
      return `Turn ${item.turn.index}`;
    case "tool":
      return item.call.toolName;
    case "subagent":
      return item.agent.agentType;
    case "llm":
      return "LLM request";
  }
}

/** Detail panel for the selected waterfall row, with what was captured for it. */
export function ItemDetail(props: { detail: SessionDetail; item: SessionItem; onClose: () => void }) {
  // Narrowed accessors for the Switch below: each is the item when it has that kind.
  const as = <K extends SessionItem["kind"]>(kind: K) =>
    props.item.kind === kind ? (props.item as Extract<SessionItem, { kind: K }>) : null;
  return (
    <aside class="detail" aria-labelledby="item-detail-title">
      <header class="detail-head">
        <h2 id="item-detail-title">{itemTitle(props.item)}</h2>
        <button type="button" class="icon-btn" onClick={() => props.onClose()} aria-label="Close details (Esc)">
          ×
        </button>
      </header>
      <Switch>
        <Match when={as("turn")}>{(i) => <TurnDetail turn={i().turn} />}</Match>
        <Match when={as("tool")}>{(i) => <ToolDetail call={i().call} spans={props.detail.nativeSpans ?? []} />}</Match>
        <Match when={as("subagent")}>{(i) => <SubagentDetail agent={i().agent} detail={props.detail} />}</Match>
        <Match when={as("llm")}>{(i) => <LlmDetail request={i().request} detail={props.detail} />}</Match>
      </Switch>
    </aside>
  );
}
