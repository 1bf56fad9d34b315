import { Show, splitProps } from "solid-js";
import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";
import { Icon } from "../../components/icon.tsx";
import { toEventKind, toolColorSlot } from "../../lib/event-kind.ts";
import { formatAbsolute, formatClock, formatDuration, formatRelative, shortId } from "../../lib/format.ts";

export function eventTime(e: NormalizedEvent): string {
  return e.sourceTime ?? e.receivedAt;
}

/** One prettified event: icon, time, who, tool, one-line summary. Every value goes in as text. */
export function EventRow(props: {
  event: NormalizedEvent;
  index: number;
  selected: boolean;
  now: number;
  onSelect: (seq: number) => void;
}) {
  const [local] = splitProps(props, ["event", "index", "selected", "now", "onSelect"]);
  const e = () => local.event;
  const kind = () => toEventKind(e());
  return (
    <tr
      class="row"
      classList={{ selected: local.selected, "row-error": kind().tone === "error" }}
      aria-rowindex={local.index + 2}
      aria-current={local.selected ? "true" : undefined}
      data-seq={e().seq}
      onClick={() => local.onSelect(e().seq)}
    >
      <td class="c-type">
        <Icon name={kind().icon} class={`tone-icon tone-${kind().tone}`} />
        <span class="type-name">{e().type}</span>
      </td>
      <td
        class="c-time mono"
        title={`${formatAbsolute(eventTime(e()))} · ${formatRelative(eventTime(e()), local.now)}`}
      >
        {formatClock(eventTime(e()))}
      </td>
      <td class="c-who">
        <span class="mono">{shortId(e().sessionId)}</span>
        <Show when={e().subagentType ?? e().subagentId}>{(sub) => <span class="sub-tag">↳ {sub()}</span>}</Show>
        <Show when={!e().subagentId && (e().agentId ?? e().containerId)}>
          {(who) => <span class="muted"> {who()}</span>}
        </Show>
      </td>
      <td class="c-tool">
        <Show when={e().toolName}>
          {(tool) => <span class={`tool-tag tool-${toolColorSlot(tool())}`}>{tool()}</span>}
        </Show>
      </td>
      <td class="c-summary">
        <Show when={e().error} fallback={<span class="summary-text">{e().summary}</span>}>
          {(err) => <span class="err-text">{err()}</span>}
        </Show>
        <Show when={e().durationMs !== null}>
          <span class="muted small dur">{formatDuration(e().durationMs)}</span>
        </Show>
      </td>
    </tr>
  );
}
