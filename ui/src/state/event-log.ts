import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";

/**
 * Events the page holds, oldest first with unique ascending `seq`. Events never change once
 * stored, so the log is a plain immutable array rather than a deep reactive store: a new array
 * per animation frame is cheap, and rows keep identity because event objects are reused.
 */
export type EventLog = {
  readonly events: readonly NormalizedEvent[];
  /** Bumped when events land anywhere but the end (older pages, reset) so incremental views rebuild. */
  readonly epoch: number;
  /** Events dropped from the front to stay under the cap since the last reset. */
  readonly dropped: number;
};

/** Same as the server's default ring (store.maxEvents): the page can show everything the server still has. */
export const DEFAULT_LOG_CAP = 10_000;

export function emptyLog(epoch = 0): EventLog {
  return { events: [], epoch, dropped: 0 };
}

export function newestSeq(log: EventLog): number {
  return log.events[log.events.length - 1]?.seq ?? 0;
}

export function oldestSeq(log: EventLog): number {
  return log.events[0]?.seq ?? 0;
}

function isAscendingAfter(incoming: readonly NormalizedEvent[], after: number): boolean {
  let prev = after;
  for (const e of incoming) {
    if (e.seq <= prev) return false;
    prev = e.seq;
  }
  return true;
}

function capped(events: NormalizedEvent[], epoch: number, dropped: number, cap: number): EventLog {
  if (events.length <= cap) return { events, epoch, dropped };
  const extra = events.length - cap;
  return { events: events.slice(extra), epoch, dropped: dropped + extra };
}

/**
 * Adds events in any order, dropping ones already held (same `seq`): the SSE replay after a
 * reconnect and a REST backlog page may overlap, and each event must show exactly once.
 */
export function mergeEvents(log: EventLog, incoming: readonly NormalizedEvent[], cap = DEFAULT_LOG_CAP): EventLog {
  if (incoming.length === 0) return log;
  const last = newestSeq(log);
  // Fast path for the live stream: strictly newer events in order, appended at the end.
  if (isAscendingAfter(incoming, last)) {
    return capped([...log.events, ...incoming], log.epoch, log.dropped, cap);
  }
  const bySeq = new Map<number, NormalizedEvent>();
  for (const e of log.events) bySeq.set(e.seq, e);
  let added = 0;
  let onlyAtEnd = true;
  for (const e of incoming) {
    if (bySeq.has(e.seq)) continue;
    bySeq.set(e.seq, e);
    added++;
    if (e.seq < last) onlyAtEnd = false;
  }
  if (added === 0) return log;
  const events = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return capped(events, onlyAtEnd ? log.epoch : log.epoch + 1, log.dropped, cap);
}

/** Index of the first event with `seq` greater than the given one (binary search). */
export function indexAfter(events: readonly NormalizedEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as NormalizedEvent).seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function findEvent(log: EventLog, seq: number): NormalizedEvent | null {
  const i = indexAfter(log.events, seq - 1);
  const e = log.events[i];
  return e && e.seq === seq ? e : null;
}
