import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, untrack } from "solid-js";
import { ExternalLink } from "../../components/external-link.tsx";
import { Icon } from "../../components/icon.tsx";
import { toolColorSlot } from "../../lib/event-kind.ts";
import { formatCost, formatCount, formatDuration } from "../../lib/format.ts";
import { createKeyedList } from "../../lib/keyed-list.ts";
import { describeTokens, formatCostFine, totalTokens } from "../../lib/usage.ts";
import { scrollToReveal, toRowWindow } from "../../lib/virtual-window.ts";
import type { Waterfall, WaterfallRow } from "./waterfall.ts";
import { axisTicks } from "./waterfall-axis.ts";
import { isDenied, isProblem } from "./waterfall-status.ts";

// Row pitch: the 26 px cells of `.waterfall .wf-row td` (styles/07-waterfall.css) and their 1 px border.
// Fixed rows make the visible window a division, as in the Live stream; a browser test checks the CSS agrees.
export const WF_ROW_H = 27;
// Rows kept above and below the visible ones, so a quick scroll rarely shows blank space.
const OVERSCAN = 20;

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
  // Only the rows in view (plus OVERSCAN) are in the DOM: a 1,700-row table kept the browser busy
  // with style and layout on every refetch and clock tick, however little changed.
  let scroller: HTMLDivElement | undefined;
  let head: HTMLTableSectionElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  // Until measured (and in test DOMs without layout): a typical 70vh box.
  const [viewport, setViewport] = createSignal(600);
  const [headH, setHeadH] = createSignal(31);
  const total = () => props.waterfall.rows.length;
  // Most scroll events move within the overscan: an equal window changes nothing downstream.
  const win = createMemo(() => toRowWindow(scrollTop(), viewport() - headH(), WF_ROW_H, total(), OVERSCAN), undefined, {
    equals: (a, b) => a.start === b.start && a.end === b.end && a.padBottom === b.padBottom,
  });
  // Rebuilt on every refetch and clock tick; reconciled so rows keep their DOM while in the window.
  const rows = createKeyedList(() => props.waterfall.rows.slice(win().start, win().end), "key");
  // As many axis labels as fit the axis's measured width (the detail panel and the cost column take
  // room); the grid lines of `.wf-track .wf-lane` (styles/07-waterfall.css) follow via --wf-ticks.
  let axis: HTMLSpanElement | undefined;
  const [axisPx, setAxisPx] = createSignal(0);
  const ticks = createMemo(() => axisTicks(props.waterfall.spanMs, axisPx()));
  const intervals = () => Math.max(1, ticks().length - 1);

  onMount(() => {
    const measure = () => {
      if (!scroller?.clientHeight) return;
      setViewport(scroller.clientHeight);
      if (head) setHeadH(head.offsetHeight);
    };
    const measureAxis = () => setAxisPx(axis?.clientWidth ?? 0);
    measure();
    measureAxis();
    if (scroller && typeof ResizeObserver === "function") {
      const ro = new ResizeObserver(measure);
      ro.observe(scroller);
      const axisRo = new ResizeObserver(measureAxis);
      if (axis) axisRo.observe(axis);
      onCleanup(() => axisRo.disconnect());
      onCleanup(() => ro.disconnect());
    }
  });
  // A selected row is brought into view, whether it is in the DOM or not: a keyboard move past the
  // window's edge, or a link whose `?item=` is far down. Rows changing under it never scroll.
  createEffect(
    on(
      () => props.selectedKey,
      (key) => {
        // Without layout (clientHeight 0) there is nothing to scroll.
        if (!key || !scroller?.clientHeight) return;
        const at = untrack(() => props.waterfall.rows.findIndex((r) => r.key === key));
        if (at < 0) return;
        const next = scrollToReveal(at, scroller.scrollTop, scroller.clientHeight, WF_ROW_H, headH());
        if (next === null) return;
        scroller.scrollTop = next;
        setScrollTop(scroller.scrollTop);
      },
    ),
  );
  return (
    <div class="wf-wrap" ref={scroller} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
      <table
        class="waterfall"
        aria-rowcount={total() + 1}
        aria-label="Session timeline: turns, tool calls, subagents and LLM requests"
        style={{ "--wf-ticks": intervals() }}
      >
        <colgroup>
          <col class="w-wf-name" />
          <col class="w-wf-dur" />
          <Show when={props.waterfall.usage}>
            <col class="w-wf-usage" />
          </Show>
          <col />
        </colgroup>
        <thead ref={head}>
          <tr aria-rowindex={1}>
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
              <span class="wf-lane" ref={axis}>
                <For each={ticks()}>
                  {(t) => (
                    <span
                      class="wf-tick"
                      style={{ left: pct(t.ms) }}
                      classList={{ first: t.ms === 0, last: t.ms === props.waterfall.spanMs }}
                    >
                      {t.label}
                    </span>
                  )}
                </For>
              </span>
            </th>
          </tr>
        </thead>
        <tbody>
          <tr class="spacer" style={{ height: `${win().padTop}px` }} />
          <For each={rows()}>
            {(row, i) => (
              <tr
                class={`wf-row wf-${row.ref.kind}`}
                aria-rowindex={win().start + i() + 2}
                classList={{
                  selected: props.selectedKey === row.key,
                  problem: isProblem(row.status),
                  denied: isDenied(row.status),
                  waiting: row.ref.kind === "tool" && row.status === "waiting",
                }}
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
                  <Show when={isDenied(row.status)}>
                    <Icon name="lock" class="tone-icon tone-muted" />
                  </Show>
                  <Show when={row.ref.kind === "tool" && row.status === "waiting"}>
                    <Icon name="lock" class="tone-icon tone-wait" />
                  </Show>
                  <span class="wf-label">{row.label}</span>
                  <Show when={isDenied(row.status)}>
                    <span class="wf-state">denied</span>
                  </Show>
                  <Show when={row.ref.kind === "tool" && row.status === "waiting"}>
                    <span class="wf-state wf-state-wait">waiting for permission</span>
                  </Show>
                  <ExternalLink href={row.traceUrl} class="trace-link" onClick={(e) => e.stopPropagation()}>
                    Open in Jaeger ↗
                  </ExternalLink>
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
          <tr class="spacer" style={{ height: `${win().padBottom}px` }} />
        </tbody>
      </table>
    </div>
  );
}
