import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";
import { type EventLog, indexAfter, newestSeq, oldestSeq } from "./event-log.ts";
import { compileLiveFilter, filterKey, isEmptyFilter, type LiveFilter } from "./event-match.ts";
import { insertByTime, sortByTime } from "./event-order.ts";

/**
 * The events of a log that pass a filter, in the order they happened (oldest first), plus what it
 * was computed from. The log keeps arrival order (`seq`, the stream's resume point); Claude Code
 * exports its own telemetry in batches seconds late, so arrival order is not "what happened when".
 */
export type FilteredView = {
  readonly key: string;
  readonly epoch: number;
  /** Newest seq of the log this view has seen. */
  readonly seenSeq: number;
  /** Oldest seq of the log this view has seen: a higher one means the log dropped events. */
  readonly oldestSeq: number;
  readonly matches: readonly NormalizedEvent[];
};

/**
 * Keeps the filtered rows up to date incrementally: at 1,000 events/s only the new events of each
 * frame are tested and placed by time, not the whole log. Rebuilds from scratch when the filter or
 * the log epoch changes.
 */
export function updateFilteredView(prev: FilteredView | null, log: EventLog, filter: LiveFilter): FilteredView {
  const key = filterKey(filter);
  const seenSeq = newestSeq(log);
  const oldest = oldestSeq(log);
  const match = isEmptyFilter(filter) ? null : compileLiveFilter(filter);
  if (!prev || prev.key !== key || prev.epoch !== log.epoch) {
    const matches = sortByTime(match ? log.events.filter(match) : log.events);
    return { key, epoch: log.epoch, seenSeq, oldestSeq: oldest, matches };
  }
  const arrived = log.events.slice(indexAfter(log.events, prev.seenSeq));
  const fresh = match ? arrived.filter(match) : arrived;
  let kept = prev.matches;
  if (oldest > prev.oldestSeq) {
    // Events the log dropped from its front (cap) leave the view too. They are the lowest seqs,
    // which in time order are mostly, not only, at the old end: a scan, not a slice.
    const left = kept.filter((e) => e.seq >= oldest);
    if (left.length !== kept.length) kept = left;
  }
  if (fresh.length === 0 && kept === prev.matches) {
    return seenSeq === prev.seenSeq && oldest === prev.oldestSeq ? prev : { ...prev, seenSeq, oldestSeq: oldest };
  }
  return { key, epoch: log.epoch, seenSeq, oldestSeq: oldest, matches: insertByTime(kept, fresh) };
}
