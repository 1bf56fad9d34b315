import { describe, expect, it } from "vitest";
import type { NormalizedEvent } from "../../src/schema/wire.ts";
import { anchoredScrollTop } from "../../ui/src/features/live/scroll-anchor.ts";
import { emptyLog, mergeEvents } from "../../ui/src/state/event-log.ts";
import { EMPTY_FILTER, type LiveFilter } from "../../ui/src/state/event-match.ts";
import { indexOfEvent, insertByTime, sortByTime } from "../../ui/src/state/event-order.ts";
import { type FilteredView, updateFilteredView } from "../../ui/src/state/filtered-view.ts";
import { captured, withSeq } from "./helpers/captured.ts";

const base = (await captured(["bash-echo"])).events[0]!;
const T0 = Date.parse("2026-03-01T10:00:00.000Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

/** A hook timed by its arrival: no source time, received at second `s`. */
const hook = (seq: number, s: number) =>
  withSeq(base, seq, { source: "claude-code-hook", sourceTime: null, receivedAt: iso(s) });
/** An OTLP log record that happened at second `s` and arrived `late` seconds after (a batched export). */
const otlp = (seq: number, s: number, late = 5) =>
  withSeq(base, seq, { source: "otlp", sourceTime: iso(s), receivedAt: iso(s + late) });
const seqs = (events: readonly NormalizedEvent[]) => events.map((e) => e.seq);
const viewSeqs = (v: FilteredView) => seqs(v.matches);

describe("event time order", () => {
  it("orders by the source's time, else the arrival time, and ties by seq", () => {
    const events = [hook(1, 10), otlp(2, 4), hook(3, 4), otlp(4, 12, 0), hook(5, 10)];
    // 2 and 3 both at second 4, 1 and 5 at second 10: each pair keeps its arrival order.
    expect(seqs(sortByTime(events))).toEqual([2, 3, 1, 5, 4]);
    expect(seqs(sortByTime([events[4]!, events[2]!, events[1]!, events[0]!]))).toEqual([2, 3, 1, 5]);
  });

  it("appends events that arrive in order and places a late one by its time", () => {
    const held = [hook(1, 1), hook(2, 2), hook(3, 3), hook(4, 6)];
    const appended = insertByTime(held, [hook(5, 7), hook(6, 8)]);
    expect(seqs(appended)).toEqual([1, 2, 3, 4, 5, 6]);
    // A batch of telemetry from seconds 2.5 to 5, one record older than most of the list.
    const late = insertByTime(appended, [otlp(7, 2.5), otlp(8, 0.5), otlp(9, 5)]);
    expect(seqs(late)).toEqual([8, 1, 2, 7, 3, 9, 4, 5, 6]);
    expect(seqs(held)).toEqual([1, 2, 3, 4]);
  });

  it("orders an event from a fast clock (a time after it arrived) by its arrival", () => {
    // An agent whose clock runs a minute ahead: its events would otherwise stay on top for a minute.
    const ahead = withSeq(base, 3, { source: "otlp", sourceTime: iso(65), receivedAt: iso(5) });
    expect(seqs(sortByTime([hook(1, 4), hook(2, 6), ahead, hook(4, 7)]))).toEqual([1, 3, 2, 4]);
  });

  it("keeps arrival order among events that happened in the same millisecond", () => {
    const held = [hook(1, 1), hook(3, 2)];
    expect(seqs(insertByTime(held, [otlp(2, 2), otlp(4, 2), otlp(5, 1)]))).toEqual([1, 5, 2, 3, 4]);
  });

  it("adds an event the list already holds only once", () => {
    const held = [hook(1, 1), otlp(2, 0.5), hook(3, 3)].sort((a, b) => a.seq - b.seq);
    const list = sortByTime(held);
    expect(insertByTime(list, [otlp(2, 0.5), hook(3, 3)])).toBe(list);
    expect(seqs(insertByTime(list, [hook(4, 4), hook(4, 4), otlp(2, 0.5)]))).toEqual([2, 1, 3, 4]);
  });

  it("finds an event's place in the list, and nothing for one it does not hold", () => {
    const list = sortByTime([hook(1, 1), otlp(2, 0.5), hook(3, 3)]);
    expect(indexOfEvent(list, list[1]!)).toBe(1);
    expect(indexOfEvent(list, hook(4, 1))).toBe(-1);
    expect(indexOfEvent([], hook(1, 1))).toBe(-1);
  });
});

describe("Live view in time order", () => {
  const f = (patch: Partial<LiveFilter> = {}): LiveFilter => ({ ...EMPTY_FILTER, ...patch });

  it("places a late event older than everything in a full list at the old end, and drops by the cap as before", () => {
    let log = mergeEvents(
      emptyLog(),
      [1, 2, 3, 4, 5].map((s) => hook(s, 10 + s)),
      5,
    );
    let view = updateFilteredView(null, log, f());
    log = mergeEvents(log, [otlp(6, 1)], 5);
    view = updateFilteredView(view, log, f());
    // The log keeps its newest five arrivals; the view shows them by when they happened.
    expect(viewSeqs(view)).toEqual([6, 2, 3, 4, 5]);
    expect(view.matches.length).toBe(log.events.length);
  });

  it("keeps a filtered view in time order incrementally, exactly as a full recompute", () => {
    // An event each second; every 4th is telemetry that happened 1 to 7 s before it arrived.
    const events = Array.from({ length: 240 }, (_, i) =>
      i % 4 === 3 ? otlp(i + 1, i - 1 - (i % 7), 1 + (i % 7)) : hook(i + 1, i),
    ).map((e, i) => (i % 3 === 0 ? { ...e, type: "PostToolUse" } : e));
    for (const filter of [f(), f({ type: "PostToolUse" })]) {
      let log = emptyLog();
      let view: FilteredView | null = null;
      for (let i = 0, n = 1; i < events.length; i += n, n = (n % 9) + 1) {
        log = mergeEvents(log, events.slice(i, i + n), 60);
        view = updateFilteredView(view, log, filter);
        const want = log.events.filter((e) => !filter.type || e.type === filter.type);
        expect(viewSeqs(view)).toEqual(seqs(sortByTime(want)));
      }
    }
  });

  it("merges history pages and live events into the same order", () => {
    const history = [hook(1, 1), hook(2, 2), otlp(3, 0.5), hook(4, 4)];
    const live = [hook(5, 5), otlp(6, 3), hook(7, 7)];
    // Live events first, then the history page the page loads in the background (newest first).
    let log = mergeEvents(emptyLog(), live);
    let view = updateFilteredView(null, log, f());
    log = mergeEvents(log, [...history].reverse());
    view = updateFilteredView(view, log, f());
    expect(viewSeqs(view)).toEqual([3, 1, 2, 6, 4, 5, 7]);
    const allAtOnce = updateFilteredView(null, mergeEvents(emptyLog(), [...history, ...live]), f());
    expect(viewSeqs(allAtOnce)).toEqual(viewSeqs(view));
  });

  it("keeps the view itself when a replay brings nothing new", () => {
    const log = mergeEvents(emptyLog(), [hook(1, 1), otlp(2, 0)]);
    const view = updateFilteredView(null, log, f());
    expect(updateFilteredView(view, mergeEvents(log, [otlp(2, 0)]), f())).toBe(view);
  });
});

describe("scroll anchoring while not following", () => {
  const ROW = 28;
  // Displayed newest first: seconds 9, 8, … 0; the reader's top row is second 6 (display row 3).
  const prev = sortByTime(Array.from({ length: 10 }, (_, s) => hook(s + 1, s)));
  const top = 3 * ROW + 5;

  it("moves by the rows that land above the reader: new arrivals and late events newer than the top row", () => {
    expect(anchoredScrollTop(prev, insertByTime(prev, [hook(11, 10), hook(12, 11)]), top, ROW)).toBe(top + 2 * ROW);
    expect(anchoredScrollTop(prev, insertByTime(prev, [otlp(13, 7.5)]), top, ROW)).toBe(top + ROW);
  });

  it("stays put when a late event lands below the reader", () => {
    expect(anchoredScrollTop(prev, insertByTime(prev, [otlp(13, 2.5), otlp(14, 0.1)]), top, ROW)).toBe(top);
  });

  it("moves up by the rows dropped above the reader", () => {
    const next = prev.filter((e) => e.seq !== 10);
    expect(anchoredScrollTop(prev, next, top, ROW)).toBe(top - ROW);
  });
});
