import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";
import { type EventLog, indexAfter, newestSeq, oldestSeq } from "./event-log.ts";
import { compileLiveFilter, filterKey, isEmptyFilter, type LiveFilter } from "./event-match.ts";

/** The events of a log that pass a filter, oldest first, plus what it was computed from. */
export type FilteredView = {
  readonly key: string;
  readonly epoch: number;
  /** Newest seq of the log this view has seen. */
  readonly seenSeq: number;
  readonly matches: readonly NormalizedEvent[];
};

/**
 * Keeps the filtered rows up to date incrementally: at 1,000 events/s only the new events of each
 * frame are tested, not the whole log. Rebuilds from scratch when the filter or the log epoch changes.
 */
export function updateFilteredView(prev: FilteredView | null, log: EventLog, filter: LiveFilter): FilteredView {
  const key = filterKey(filter);
  const seenSeq = newestSeq(log);
  if (isEmptyFilter(filter)) return { key, epoch: log.epoch, seenSeq, matches: log.events };
  const match = compileLiveFilter(filter);
  if (!prev || prev.key !== key || prev.epoch !== log.epoch) {
    return { key, epoch: log.epoch, seenSeq, matches: log.events.filter(match) };
  }
  const fresh = log.events.slice(indexAfter(log.events, prev.seenSeq)).filter(match);
  // Events the log dropped from its front (cap) leave the view too.
  const firstKept = indexAfter(prev.matches, oldestSeq(log) - 1);
  if (fresh.length === 0 && firstKept === 0) return seenSeq === prev.seenSeq ? prev : { ...prev, seenSeq };
  const kept = firstKept === 0 ? prev.matches : prev.matches.slice(firstKept);
  return { key, epoch: log.epoch, seenSeq, matches: fresh.length ? [...kept, ...fresh] : kept };
}
