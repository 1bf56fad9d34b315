import { For, Show } from "solid-js";
import { Icon } from "../../components/icon.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { formatCost, formatCount, formatDuration } from "../../lib/format.ts";
import { createKeyedList } from "../../lib/keyed-list.ts";
import { toSafeHttpUrl } from "../../lib/safe-url.ts";
import { describeTokens, formatCostFine, totalTokens } from "../../lib/usage.ts";
import { isProblem, type Waterfall, type WaterfallRow } from "./waterfall.ts";

// Four intervals keep the labels apart on a narrow track (the detail panel and the cost column take room).
// The grid lines in styles/07-session.css (`.wf-track .wf-lane`) are drawn at the same 25% steps; on a phone
// only the 0, 50% and 100% labels show.
const TICKS = 4;

function barClass(row: WaterfallRow): string {
  const kind = row.ref.kind === "tool" ? `tool-${toolColorSlot(row.toolName)}` : `kind-${row.ref.kind}`;
  return `wf-bar ${kind} st-${row.status}${row.finished ? "" : " running"}`;
}

function barTitle(row: WaterfallRow): string {
  const parts = [`${row.label}: ${row.status}, ${formatDuration(row.endMs - row.startMs)}`];
  if (row.firstTokenAt !== null) {
    parts.push(`first token after ${formatDuration(row.firstTokenAt * (row.endMs - row.startMs))}`);
  }
  if (row.costUsd !== null) parts.push(formatCost(row.costUsd));
  return parts.join(" · ");
}

/** Total tokens and cost of a row, the exact split in the title. */
function UsageCell(props: { row: WaterfallRow }) {
  return (
    <td class="num nowrap wf-usage" title={props.row.tokens ? describeTokens(props.row.tokens) : undefined}>
      <Show when={props.row.tokens && totalTokens(props.row.tokens) > 0}>
        <span class="muted small">{formatCount(totalTokens(props.row.tokens))}</span>{" "}
      </Show>
      {/* A single request costs cents: its rows show hundredths of a cent, the sums whole cents. */}
      {props.row.costUsd === null
        ? ""
        : props.row.ref.kind === "llm"
          ? formatCostFine(props.row.costUsd)
          : formatCost(props.row.costUsd)}
    </td>
  );
}

/**
 * Session timeline: one row per turn, tool call, subagent and LLM request, bars placed by real
 * start and duration; with cost data, a column of tokens and cost per row.
 */
export function WaterfallView(props: {
  waterfall: Waterfall;
  selectedKey: string | null;
  folded: ReadonlySet<string>;
  onSelect: (key: string) => void;
  onToggle: (key: string) => void;
}) {
  const pct = (v: number) => `${(Math.max(0, v) / props.waterfall.spanMs) * 100}%`;
  // Rebuilt on every refetch and clock tick; reconciled so rows keep their DOM.
  const rows = createKeyedList(() => props.waterfall.rows, "key");
  const ticks = () => Array.from({ length: TICKS + 1 }, (_, i) => (props.waterfall.spanMs * i) / TICKS);
  return (
    <div class="wf-wrap">
      <table class="waterfall" aria-label="Session timeline: turns, tool calls, subagents and LLM requests">
        <colgroup>
          <col class="w-wf-name" />
          <col class="w-wf-dur" />
          <Show when={props.waterfall.usage}>
            <col class="w-wf-usage" />
          </Show>
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Turn / tool / subagent / LLM</th>
            <th scope="col" class="num">
              Duration
            </th>
            <Show when={props.waterfall.usage}>
              <th
                scope="col"
                class="num wf-usage"
                title="Tokens (input, output and cache) and cost of the LLM requests"
              >
                Tokens · cost
              </th>
            </Show>
            <th scope="col" class="wf-axis">
              <span class="wf-lane">
                <For each={ticks()}>
                  {(t, i) => (
                    <span
                      class="wf-tick"
                      style={{ left: pct(t) }}
                      classList={{ first: i() === 0, last: i() === TICKS }}
                    >
                      {formatDuration(t)}
                    </span>
                  )}
                </For>
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={rows()}>
            {(row) => (
              <tr
                class={`wf-row wf-${row.ref.kind}`}
                classList={{ selected: props.selectedKey === row.key, problem: isProblem(row.status) }}
                aria-current={props.selectedKey === row.key ? "true" : undefined}
                data-key={row.key}
                data-depth={row.depth}
                onClick={() => props.onSelect(row.key)}
              >
                <td class="wf-name" style={{ "--depth": row.depth }}>
                  <Show when={row.parent} fallback={<span class="fold-spacer" />}>
                    <button
                      type="button"
                      class="fold"
                      aria-label={props.folded.has(row.key) ? `Expand ${row.label}` : `Collapse ${row.label}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        props.onToggle(row.key);
                      }}
                    >
                      {props.folded.has(row.key) ? "▸" : "▾"}
                    </button>
                  </Show>
                  <Show when={isProblem(row.status)}>
                    <Icon
                      name={row.status === "interrupted" ? "alert" : "cross"}
                      class="tone-icon tone-error"
                      title={row.status}
                    />
                  </Show>
                  <Show when={row.ref.kind === "subagent"}>
                    <Icon name="branch" class="tone-icon tone-agent" />
                  </Show>
                  <Show when={row.ref.kind === "llm" && !isProblem(row.status)}>
                    <Icon name="spark" class="tone-icon tone-llm" title="LLM request" />
                  </Show>
                  <span class="wf-label">{row.label}</span>
                  <Show when={toSafeHttpUrl(row.traceUrl)}>
                    {(url) => (
                      <a
                        class="trace-link"
                        href={url()}
                        target="_blank"
                        rel="noopener noreferrer"
                        onClick={(e) => e.stopPropagation()}
                      >
                        Open in Jaeger ↗
                      </a>
                    )}
                  </Show>
                  <span class="wf-detail muted">{row.detail}</span>
                </td>
                <td class="num nowrap">
                  {row.finished
                    ? formatDuration(row.endMs - row.startMs)
                    : `${formatDuration(row.endMs - row.startMs)}…`}
                </td>
                <Show when={props.waterfall.usage}>
                  <UsageCell row={row} />
                </Show>
                <td class="wf-track">
                  <span class="wf-lane">
                    <span
                      class={barClass(row)}
                      style={{
                        left: pct(row.startMs),
                        width: `max(3px, ${pct(row.endMs - row.startMs)})`,
                        "--ttft": row.firstTokenAt !== null ? `${row.firstTokenAt * 100}%` : undefined,
                      }}
                      title={barTitle(row)}
                    >
                      <Show when={row.firstTokenAt !== null}>
                        <span class="wf-ttft" />
                      </Show>
                    </span>
                  </span>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
