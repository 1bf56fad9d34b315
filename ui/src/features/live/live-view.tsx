import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show, untrack } from "solid-js";
import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";
import { formatCount, plural, shortId } from "../../lib/format.ts";
import { isPlainKey, isTextEntry } from "../../lib/keyboard.ts";
import { scrollToReveal, toRowWindow } from "../../lib/virtual-window.ts";
import { useApp } from "../../state/app-ctx.tsx";
import { findEvent, indexAfter, newestSeq } from "../../state/event-log.ts";
import { compileLiveFilter, isEmptyFilter, type LiveFilter } from "../../state/event-match.ts";
import { indexOfEvent } from "../../state/event-order.ts";
import { type FilteredView, updateFilteredView } from "../../state/filtered-view.ts";
import { EventDetail } from "./event-detail.tsx";
import { EventRow } from "./event-row.tsx";
import { type FilterOptions, LiveFilters } from "./live-filters.tsx";
import { anchoredScrollTop } from "./scroll-anchor.ts";

// Fixed row and header heights (CSS uses the same values): constant heights make the visible
// window a division, so scrolling 10,000 rows never measures the DOM.
export const ROW_H = 28;
const HEADER_H = 30;

const PARAM: Record<keyof LiveFilter, string> = {
  sessionId: "session",
  agentId: "agent",
  type: "type",
  tool: "tool",
  q: "q",
};

function param(v: string | string[] | undefined): string {
  return (Array.isArray(v) ? v[0] : v) ?? "";
}

export function LiveView() {
  const app = useApp();
  const [params, setParams] = useSearchParams();
  const filter = createMemo<LiveFilter>(() => ({
    sessionId: param(params.session),
    agentId: param(params.agent),
    type: param(params.type),
    tool: param(params.tool),
    q: param(params.q),
  }));

  let prevView: FilteredView | null = null;
  const view = createMemo(() => {
    prevView = updateFilteredView(prevView, app.paused() ?? app.log(), filter());
    return prevView;
  });
  const total = () => view().matches.length;
  /** Display order is newest first (by when events happened); the view is oldest first. */
  const rowAt = (i: number): NormalizedEvent | undefined => view().matches[view().matches.length - 1 - i];

  const pending = createMemo(() => {
    const snapshot = app.paused();
    if (!snapshot) return 0;
    const events = app.log().events;
    const from = indexAfter(events, newestSeq(snapshot));
    if (isEmptyFilter(filter())) return events.length - from;
    const match = compileLiveFilter(filter());
    let n = 0;
    for (let i = from; i < events.length; i++) if (match(events[i] as NormalizedEvent)) n++;
    return n;
  });

  let scroller: HTMLDivElement | undefined;
  const [scrollTop, setScrollTop] = createSignal(0);
  const [viewport, setViewport] = createSignal(600);
  const [follow, setFollow] = createSignal(true);
  const win = createMemo(() => toRowWindow(scrollTop(), viewport() - HEADER_H, ROW_H, total()));
  const visible = createMemo(() => {
    const w = win();
    const out: NormalizedEvent[] = [];
    for (let i = w.start; i < w.end; i++) {
      const e = rowAt(i);
      if (e) out.push(e);
    }
    return out;
  });

  // Not following: rows landing above the ones the user is reading (newer events, or a late one
  // placed by its time) push them down; scroll by as much so they stay where they are. The target
  // is absolute, from the position before the change, so a browser's own scroll anchoring cannot
  // add to it.
  createEffect(
    on(view, (v, prev) => {
      if (!prev || !scroller || untrack(follow) || v.key !== prev.key) return;
      const before = untrack(scrollTop);
      const next = anchoredScrollTop(prev.matches, v.matches, before, ROW_H);
      if (next !== before) {
        scroller.scrollTop = next;
        setScrollTop(scroller.scrollTop);
      }
    }),
  );
  // A new filter starts at the newest row. The memo matters: `on` re-runs whenever its source
  // re-evaluates, and setting scrollTop every frame would force a layout each time.
  const filterId = createMemo(() => view().key);
  createEffect(on(filterId, () => jumpToNewest(), { defer: true }));

  function jumpToNewest() {
    if (scroller) scroller.scrollTop = 0;
    setScrollTop(0);
    setFollow(true);
  }

  // The selection lives in a signal for instant keyboard moves and is mirrored to the URL
  // (`?event=`) so a selected event survives a reload or a shared link.
  const [selectedSeq, setSelectedSeq] = createSignal<number | null>(Number(param(params.event)) || null);
  createEffect(
    on(
      () => param(params.event),
      (v) => setSelectedSeq(Number(v) || null),
      { defer: true },
    ),
  );
  // At a few hundred events/s the page's cap drops an event within a minute: the one being read
  // stays open (events never change) until another is selected.
  const selected = createMemo<NormalizedEvent | null>((prev) => {
    const seq = selectedSeq();
    if (!seq) return null;
    return findEvent(app.log(), seq) ?? findEvent(app.paused() ?? app.log(), seq) ?? (prev?.seq === seq ? prev : null);
  }, null);
  function displayIndex(e: NormalizedEvent): number {
    const m = view().matches;
    const i = indexOfEvent(m, e);
    return i < 0 ? -1 : m.length - 1 - i;
  }
  function select(seq: number | null) {
    setSelectedSeq(seq);
    setParams({ event: seq ?? undefined }, { replace: true });
  }
  function move(delta: number) {
    const current = selected();
    const from = current ? displayIndex(current) : -1;
    const to = Math.max(0, Math.min(total() - 1, from < 0 ? 0 : from + delta));
    const e = rowAt(to);
    if (!e) return;
    select(e.seq);
    if (scroller) {
      const next = scrollToReveal(to, scroller.scrollTop, scroller.clientHeight, ROW_H, HEADER_H);
      if (next !== null) {
        scroller.scrollTop = next;
        setScrollTop(next);
        setFollow(next <= 2);
      }
    }
  }

  function onKey(e: KeyboardEvent) {
    if (!isPlainKey(e) || isTextEntry(e.target)) return;
    if (e.key === "ArrowDown" || e.key === "j") {
      e.preventDefault();
      move(1);
    } else if (e.key === "ArrowUp" || e.key === "k") {
      e.preventDefault();
      move(-1);
    } else if (e.key === "Escape" && selectedSeq()) {
      e.preventDefault();
      select(null);
    }
  }
  onMount(() => {
    window.addEventListener("keydown", onKey);
    if (scroller && typeof ResizeObserver === "function") {
      const ro = new ResizeObserver(() => scroller && setViewport(scroller.clientHeight));
      ro.observe(scroller);
      onCleanup(() => ro.disconnect());
    }
    if (scroller) setViewport(scroller.clientHeight || 600);
  });
  onCleanup(() => window.removeEventListener("keydown", onKey));

  const options = createMemo<FilterOptions>(() => {
    const sessions = app.store.sessions.map((s) => ({
      value: s.sessionId,
      label: `${s.project ?? "session"} · ${shortId(s.sessionId)}`,
    }));
    const agents = new Set<string>();
    for (const s of app.store.sessions) {
      if (s.agentId) agents.add(s.agentId);
      if (s.containerId) agents.add(s.containerId);
    }
    return {
      sessions,
      agents: [...agents].sort(),
      types: Object.keys(app.store.stats?.byType ?? {}).sort(),
      tools: (app.store.stats?.tools ?? []).map((t) => t.toolName).sort(),
    };
  });

  function setFilter(patch: Partial<LiveFilter>) {
    const next: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(patch)) next[PARAM[k as keyof LiveFilter]] = v || undefined;
    setParams(next, { replace: true });
  }

  return (
    <section class="view live" aria-labelledby="live-title">
      <h1 id="live-title" class="sr-only">
        Live stream
      </h1>
      <LiveFilters filter={filter()} options={options()} onChange={setFilter} />
      <div class="toolbar">
        <span class="muted small" aria-live="polite" data-testid="row-count" data-count={total()}>
          {isEmptyFilter(filter())
            ? plural(total(), "event")
            : `${formatCount(total())} of ${plural((app.paused() ?? app.log()).events.length, "event")} match`}
          {app.backlogLoading() ? " · loading history…" : ""}
        </span>
        <span class="toolbar-spacer" />
        <Show when={!follow() && !app.paused()}>
          <button type="button" onClick={jumpToNewest}>
            ↑ Follow newest
          </button>
        </Show>
        <button
          type="button"
          class={app.paused() ? "primary" : ""}
          aria-pressed={!!app.paused()}
          onClick={() => app.togglePause()}
          data-testid="pause"
        >
          {app.paused() ? `Resume (Space) · ${formatCount(pending())} new` : "Pause (Space)"}
        </button>
      </div>
      <div class="split">
        <div
          class="table-scroll"
          ref={scroller}
          onScroll={(e) => {
            const top = e.currentTarget.scrollTop;
            setScrollTop(top);
            setFollow(top <= 2);
          }}
        >
          <table class="events" aria-rowcount={total() + 1} aria-label="Events, newest first">
            <colgroup>
              <col class="w-type" />
              <col class="w-time" />
              <col class="w-who" />
              <col class="w-tool" />
              <col />
            </colgroup>
            <thead>
              <tr aria-rowindex={1}>
                <th scope="col">Event</th>
                <th scope="col">Time</th>
                <th scope="col">Session / agent</th>
                <th scope="col">Tool</th>
                <th scope="col">Summary</th>
              </tr>
            </thead>
            <tbody>
              <tr class="spacer" style={{ height: `${win().padTop}px` }} />
              <For each={visible()}>
                {(e, i) => (
                  <EventRow
                    event={e}
                    index={win().start + i()}
                    selected={selectedSeq() === e.seq}
                    onSelect={(seq) => select(selectedSeq() === seq ? null : seq)}
                  />
                )}
              </For>
              <tr class="spacer" style={{ height: `${win().padBottom}px` }} />
            </tbody>
          </table>
          <Show when={total() === 0}>
            <div class="empty-state">
              <Show
                when={(app.paused() ?? app.log()).events.length > 0}
                fallback={
                  <>
                    <p>Waiting for events…</p>
                    <p class="muted small">
                      Point Claude Code hooks at <code>{`${location.origin}/v1/hooks/claude-code`}</code>.
                    </p>
                  </>
                }
              >
                <p>No events match these filters.</p>
              </Show>
            </div>
          </Show>
        </div>
        <Show when={selected()}>{(e) => <EventDetail event={e()} onClose={() => select(null)} />}</Show>
      </div>
    </section>
  );
}
