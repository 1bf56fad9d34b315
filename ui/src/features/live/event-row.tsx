import { untrack } from "solid-js";
import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";
import { Icon } from "../../components/icon.tsx";
import { shortType, toEventKind, toolColorSlot } from "../../lib/event-kind.ts";
import { rowSummary } from "../../lib/event-summary.ts";
import { formatAbsolute, formatClock, formatDuration, formatRelative, shortId } from "../../lib/format.ts";
import { eventTime } from "../../state/event-order.ts";

/**
 * One prettified event: icon, time, who, tool, one-line summary. Every value goes in as text.
 * A row is created per event and events never change, so its content is rendered once without
 * reactive bindings (at 1,000 events/s that is most of the per-frame work); only the selection
 * and position are live.
 */
export function EventRow(props: {
  event: NormalizedEvent;
  index: number;
  selected: boolean;
  onSelect: (seq: number) => void;
}) {
  const e = untrack(() => props.event);
  const kind = toEventKind(e);
  const at = eventTime(e);
  const who = e.subagentId ? null : (e.agentId ?? e.containerId);
  const sub = e.subagentType ?? e.subagentId;
  return (
    <tr
      class={kind.tone === "error" ? "row row-error" : "row"}
      classList={{ selected: props.selected }}
      aria-rowindex={props.index + 2}
      aria-current={props.selected ? "true" : undefined}
      data-seq={e.seq}
      onClick={() => props.onSelect(e.seq)}
    >
      <td class="c-type">
        <span class="type-cell">
          <Icon name={kind.icon} class={`tone-icon tone-${kind.tone}`} />
          <span class="type-name" title={e.type}>
            {shortType(e)}
          </span>
          {e.source === "otlp" ? (
            <span class="src-tag" title="From Claude Code's own telemetry (OTLP)">
              otel
            </span>
          ) : null}
        </span>
      </td>
      <td
        class="c-time mono"
        // Relative time is computed on hover, so a screen of rows is not re-rendered every second.
        onMouseEnter={(ev) => {
          ev.currentTarget.title = `${formatAbsolute(at)} · ${formatRelative(at, Date.now())}`;
        }}
      >
        {formatClock(at)}
      </td>
      <td class="c-who">
        <span class="mono">{shortId(e.sessionId)}</span>
        {sub ? <span class="sub-tag">↳ {sub}</span> : null}
        {who ? <span class="muted"> {who}</span> : null}
      </td>
      <td class="c-tool">
        {e.toolName ? <span class={`tool-tag tool-${toolColorSlot(e.toolName)}`}>{e.toolName}</span> : null}
      </td>
      <td class="c-summary">
        {e.error ? <span class="err-text">{e.error}</span> : <span class="summary-text">{rowSummary(e)}</span>}
        {e.durationMs !== null ? <span class="muted small dur">{formatDuration(e.durationMs)}</span> : null}
      </td>
    </tr>
  );
}
