import { For, Show } from "solid-js";
import { Icon } from "../../components/icon.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { formatDuration } from "../../lib/format.ts";
import { toSafeHttpUrl } from "../../lib/safe-url.ts";
import { isProblem, type Waterfall, type WaterfallRow } from "./waterfall.ts";

const TICKS = 5;

function barClass(row: WaterfallRow): string {
  const kind = row.ref.kind === "tool" ? `tool-${toolColorSlot(row.toolName)}` : `kind-${row.ref.kind}`;
  return `wf-bar ${kind} st-${row.status}${row.finished ? "" : " running"}`;
}

/** Session timeline: one row per turn, tool call and subagent, bars placed by real start and duration. */
export function WaterfallView(props: {
  waterfall: Waterfall;
  selectedKey: string | null;
  folded: ReadonlySet<string>;
  onSelect: (key: string) => void;
  onToggle: (key: string) => void;
}) {
  const pct = (v: number) => `${(Math.max(0, v) / props.waterfall.spanMs) * 100}%`;
  const ticks = () => Array.from({ length: TICKS + 1 }, (_, i) => (props.waterfall.spanMs * i) / TICKS);
  return (
    <div class="wf-wrap">
      <table class="waterfall" aria-label="Session timeline: turns, tool calls and subagents">
        <colgroup>
          <col class="w-wf-name" />
          <col class="w-wf-dur" />
          <col />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">Turn / tool / subagent</th>
            <th scope="col" class="num">
              Duration
            </th>
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
          <For each={props.waterfall.rows}>
            {(row) => (
              <tr
                class={`wf-row wf-${row.ref.kind}`}
                classList={{ selected: props.selectedKey === row.key, problem: isProblem(row.status) }}
                aria-current={props.selectedKey === row.key ? "true" : undefined}
                data-key={row.key}
                data-depth={row.depth}
                onClick={() => props.onSelect(row.key)}
              >
                <td class="wf-name" style={{ "padding-left": `${8 + row.depth * 16}px` }}>
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
                <td class="wf-track">
                  <span class="wf-lane">
                    <span
                      class={barClass(row)}
                      style={{ left: pct(row.startMs), width: `max(3px, ${pct(row.endMs - row.startMs)})` }}
                      title={`${row.label}: ${row.status}, ${formatDuration(row.endMs - row.startMs)}`}
                    />
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
