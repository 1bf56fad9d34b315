import { A } from "@solidjs/router";
import { For, Show } from "solid-js";
import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";
import { Icon } from "../../components/icon.tsx";
import { JsonBlock } from "../../components/json-block.tsx";
import { TimeAgo } from "../../components/time-ago.tsx";
import { toEventKind } from "../../lib/event-kind.ts";
import { payloadNumber } from "../../lib/event-summary.ts";
import { formatAbsolute, formatCost, formatDuration } from "../../lib/format.ts";
import { describeTokens, totalTokens } from "../../lib/usage.ts";
import { eventTime } from "../../state/event-order.ts";

function Field(props: { label: string; value: string | null | undefined; mono?: boolean }) {
  return (
    <Show when={props.value}>
      <dt>{props.label}</dt>
      <dd class={props.mono ? "mono wrap" : "wrap"}>{props.value}</dd>
    </Show>
  );
}

/** The selected event in full: prettified fields, then the payload as captured. */
export function EventDetail(props: { event: NormalizedEvent; onClose: () => void }) {
  const e = () => props.event;
  const kind = () => toEventKind(e());
  return (
    <aside class="detail" aria-labelledby="event-detail-title">
      <header class="detail-head">
        <h2 id="event-detail-title">
          <Icon name={kind().icon} class={`tone-icon tone-${kind().tone}`} />
          {e().type} <span class="muted small">#{e().seq}</span>
        </h2>
        <button type="button" class="icon-btn" onClick={() => props.onClose()} aria-label="Close details (Esc)">
          ×
        </button>
      </header>
      <dl class="fields">
        <dt>Time</dt>
        <dd>
          {formatAbsolute(eventTime(e()))} · <TimeAgo at={eventTime(e())} />
        </dd>
        <Show when={e().sessionId}>
          {(id) => (
            <>
              <dt>Session</dt>
              <dd class="mono wrap">
                <A href={`/sessions/${encodeURIComponent(id())}`}>{id()}</A>
              </dd>
            </>
          )}
        </Show>
        <Field label="Agent" value={e().agentId} />
        <Field label="Container" value={e().containerId} />
        <Field label="Host" value={e().hostName} />
        <Field label="Subagent" value={e().subagentId ? `${e().subagentType ?? "agent"} · ${e().subagentId}` : null} />
        <Field label="Tool" value={e().toolName} />
        <Field label="Tool use" value={e().toolUseId} mono />
        <Field label="Command" value={e().command} mono />
        <Field label="Summary" value={e().summary} />
        <Field label="Error" value={e().error} />
        <Field label="Duration" value={e().durationMs !== null ? formatDuration(e().durationMs) : null} />
        <Field label="Cost" value={e().usage?.costUsd ? formatCost(e().usage?.costUsd) : null} />
        <Field label="Tokens" value={totalTokens(e().usage) > 0 ? describeTokens(e().usage!) : null} />
        <Field
          label="First token"
          value={
            e().source === "otlp" && payloadNumber(e(), "ttft_ms") !== null
              ? formatDuration(payloadNumber(e(), "ttft_ms"))
              : null
          }
        />
        <Field label="Model" value={e().model} />
        <Field label="Working dir" value={e().cwd} mono />
        <Field
          label="Source"
          value={`${e().source}${e().receivedAt !== eventTime(e()) ? ` · received ${formatAbsolute(e().receivedAt)}` : ""}`}
        />
        <Show when={e().filePaths.length > 0}>
          <dt>Files</dt>
          <dd>
            <ul class="plain mono">
              <For each={e().filePaths}>{(p) => <li class="wrap">{p}</li>}</For>
            </ul>
          </dd>
        </Show>
      </dl>
      <Show when={e().trimmed.length > 0}>
        <p class="note">
          Trimmed to fit the event size budget:{" "}
          {e()
            .trimmed.map((t) => `${t.path} (${t.originalBytes} bytes)`)
            .join(", ")}
        </p>
      </Show>
      <details open>
        <summary>Payload as captured</summary>
        <JsonBlock value={e().payload} label="Raw payload JSON" />
      </details>
      <details>
        <summary>Normalized event</summary>
        <JsonBlock value={{ ...e(), payload: undefined }} label="Normalized event JSON" />
      </details>
    </aside>
  );
}
