import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";

/** When an event happened: the source's own time when it says, else when Spanlight received it. */
export function eventTime(e: NormalizedEvent): string {
  return e.sourceTime ?? e.receivedAt;
}

// Parsed once per event: binary searches and merges compare the same events many times, and
// events never change once received.
const timeMs = new WeakMap<NormalizedEvent, number>();

/**
 * The time an event is ordered by. Nothing happens after Spanlight received it: a source time
 * later than that is a clock running fast (an agent's machine or container), and ordering by it
 * would keep such events above everything newer until the clocks met.
 */
function eventMs(e: NormalizedEvent): number {
  let ms = timeMs.get(e);
  if (ms === undefined) {
    const received = Date.parse(e.receivedAt) || 0;
    const source = Date.parse(eventTime(e));
    ms = Number.isNaN(source) ? received : Math.min(source, received);
    timeMs.set(e, ms);
  }
  return ms;
}

/**
 * Order of "what happened when": by event time, ties by `seq` (the order Spanlight received them,
 * so hooks fired within the same millisecond keep their order). `seq` is unique, so 0 means the
 * same event.
 */
export function compareByTime(a: NormalizedEvent, b: NormalizedEvent): number {
  return eventMs(a) - eventMs(b) || a.seq - b.seq;
}

/** Index of the first event of a time-ordered list that comes after `e` (binary search). */
export function indexAfterEvent(sorted: readonly NormalizedEvent[], e: NormalizedEvent): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareByTime(sorted[mid] as NormalizedEvent, e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Where `e` is in a time-ordered list, or -1 when the list does not hold it. */
export function indexOfEvent(sorted: readonly NormalizedEvent[], e: NormalizedEvent): number {
  const i = indexAfterEvent(sorted, e) - 1;
  return i >= 0 && sorted[i]?.seq === e.seq ? i : -1;
}

function isTimeOrdered(events: readonly NormalizedEvent[]): boolean {
  for (let i = 1; i < events.length; i++) {
    if (compareByTime(events[i - 1] as NormalizedEvent, events[i] as NormalizedEvent) > 0) return false;
  }
  return true;
}

/**
 * A time-ordered list with `incoming` (any order) placed by time; the input is not changed.
 * Live events mostly arrive in order, so usually everything lands after the last held event; a
 * late one (Claude Code exports its telemetry in batches, seconds after the hooks) is placed by
 * binary search, and only the part of the list after it is merged, never the whole list sorted.
 * An event already held (same `seq`) is not added twice.
 */
export function insertByTime(
  sorted: readonly NormalizedEvent[],
  incoming: readonly NormalizedEvent[],
): readonly NormalizedEvent[] {
  if (incoming.length === 0) return sorted;
  const batch = isTimeOrdered(incoming) ? incoming : [...incoming].sort(compareByTime);
  const first = batch[0] as NormalizedEvent;
  // Everything up to the oldest incoming event stays as it is; when that event is already held it
  // ends this prefix, and `push` drops the copy.
  const start = indexAfterEvent(sorted, first);
  const out = sorted.slice(0, start);
  const push = (e: NormalizedEvent) => {
    if (out[out.length - 1]?.seq !== e.seq) out.push(e);
  };
  let i = start;
  let j = 0;
  while (i < sorted.length && j < batch.length) {
    const held = sorted[i] as NormalizedEvent;
    const next = batch[j] as NormalizedEvent;
    if (compareByTime(held, next) <= 0) {
      push(held);
      i++;
    } else {
      push(next);
      j++;
    }
  }
  while (i < sorted.length) push(sorted[i++] as NormalizedEvent);
  while (j < batch.length) push(batch[j++] as NormalizedEvent);
  return out.length === sorted.length ? sorted : out;
}

/** A list of events in time order (a copy); nearly ordered input, the usual case, sorts in linear time. */
export function sortByTime(events: readonly NormalizedEvent[]): NormalizedEvent[] {
  return [...events].sort(compareByTime);
}
