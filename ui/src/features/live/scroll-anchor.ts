import type { NormalizedEvent } from "../../../../src/schema/normalized-event.ts";
import { indexAfterEvent } from "../../state/event-order.ts";

/**
 * The scroll position that keeps the row at the top of the viewport where it is when the list
 * changes under it. The list shows newest first (`prev` and `next` are time-ordered, oldest
 * first), so rows land above the reader both when new events arrive and when a late one takes its
 * place by time further down; rows the cap dropped above it count too. Rows landing below the
 * reader move nothing.
 */
export function anchoredScrollTop(
  prev: readonly NormalizedEvent[],
  next: readonly NormalizedEvent[],
  scrollTop: number,
  rowHeight: number,
): number {
  if (prev.length === 0 || prev === next) return scrollTop;
  const top = Math.min(Math.floor(Math.max(0, scrollTop) / rowHeight), prev.length - 1);
  const anchor = prev[prev.length - 1 - top] as NormalizedEvent;
  // Rows after the anchor in time are the ones shown above it; this holds even if it was dropped.
  const above = next.length - indexAfterEvent(next, anchor);
  return Math.max(0, scrollTop + (above - top) * rowHeight);
}
