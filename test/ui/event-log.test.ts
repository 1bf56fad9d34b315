import { describe, expect, it } from "vitest";
import { emptyLog, findEvent, mergeEvents, newestSeq, oldestSeq } from "../../ui/src/state/event-log.ts";
import { captured, withSeq } from "./helpers/captured.ts";

const { events } = await captured(["bash-echo"]);
const base = events[0]!;
const ev = (seq: number) => withSeq(base, seq);
const seqs = (log: { events: readonly { seq: number }[] }) => log.events.map((e) => e.seq);

describe("event log", () => {
  it("appends newer events in order and keeps the epoch", () => {
    const log = mergeEvents(mergeEvents(emptyLog(), [ev(1), ev(2)]), [ev(3)]);
    expect(seqs(log)).toEqual([1, 2, 3]);
    expect(log.epoch).toBe(0);
  });

  it("shows each event once when a replay overlaps what the page already holds", () => {
    const log = mergeEvents(emptyLog(), [ev(1), ev(2), ev(3)]);
    const again = mergeEvents(log, [ev(2), ev(3), ev(4)]);
    expect(seqs(again)).toEqual([1, 2, 3, 4]);
    expect(mergeEvents(again, [ev(3), ev(4)])).toBe(again);
  });

  it("inserts older backlog pages in place and bumps the epoch so views rebuild", () => {
    const log = mergeEvents(emptyLog(), [ev(10), ev(11)]);
    const merged = mergeEvents(log, [ev(9), ev(7), ev(8)]);
    expect(seqs(merged)).toEqual([7, 8, 9, 10, 11]);
    expect(merged.epoch).toBe(1);
  });

  it("drops the oldest events beyond the cap and counts them", () => {
    const log = mergeEvents(emptyLog(), [ev(1), ev(2), ev(3), ev(4), ev(5)], 3);
    expect(seqs(log)).toEqual([3, 4, 5]);
    expect(log.dropped).toBe(2);
    expect(oldestSeq(log)).toBe(3);
    expect(newestSeq(log)).toBe(5);
  });

  it("finds an event by sequence id and nothing for ids it does not hold", () => {
    const log = mergeEvents(emptyLog(), [ev(2), ev(4), ev(6)]);
    expect(findEvent(log, 4)?.seq).toBe(4);
    expect(findEvent(log, 5)).toBeNull();
    expect(findEvent(log, 7)).toBeNull();
    expect(findEvent(emptyLog(), 1)).toBeNull();
  });

  it("holds the real captured events with their real sequence ids", () => {
    const log = mergeEvents(emptyLog(), events);
    expect(seqs(log)).toEqual(events.map((_, i) => i + 1));
    expect(log.events[0]?.type).toBe("SessionStart");
  });
});
