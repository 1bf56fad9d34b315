import { formatDuration } from "../../lib/format.ts";

/**
 * Widths for laying out the time axis's labels without measuring them: `.wf-tick` is 10.5 px
 * system sans, where digits are ~5.8 px and `m` ~9 px wide, so 6.5 px a character over-estimates
 * every `formatDuration` label a little. GAP keeps neighbours visibly apart.
 */
const CHAR_PX = 6.5;
const GAP_PX = 16;
/** Interval counts tried, most first: round fractions of the span. */
const COUNTS = [8, 6, 4, 3, 2, 1];
/** Before the axis is measured (and in test DOMs without layout). */
export const DEFAULT_TICKS = 4;

export type AxisTick = { ms: number; label: string };

const labelPx = (label: string) => label.length * CHAR_PX;

/**
 * Whether labels at 0, 1/n, …, n/n of a `widthPx` axis stay apart: the first is drawn from its
 * point rightwards, the last ends at its point, the others are centred on theirs.
 */
function fits(labels: readonly string[], widthPx: number): boolean {
  const n = labels.length - 1;
  let prevRight = Number.NEGATIVE_INFINITY;
  for (const [i, label] of labels.entries()) {
    const w = labelPx(label);
    const at = (widthPx * i) / Math.max(n, 1);
    const left = i === 0 ? at : i === n ? at - w : at - w / 2;
    if (left < prevRight + GAP_PX) return false;
    prevRight = left + w;
  }
  return true;
}

/**
 * The axis's ticks for a span on an axis `widthPx` wide: as many evenly spaced labels as fit
 * without touching (at most 8 intervals, at least one: 0 and the end). A width of 0 (not laid
 * out yet) gets the default four intervals.
 */
export function axisTicks(spanMs: number, widthPx: number): AxisTick[] {
  const make = (n: number) =>
    Array.from({ length: n + 1 }, (_, i) => {
      const ms = (spanMs * i) / n;
      return { ms, label: formatDuration(ms) };
    });
  if (!(widthPx > 0)) return make(DEFAULT_TICKS);
  for (const n of COUNTS) {
    const ticks = make(n);
    const labels = ticks.map((t) => t.label);
    if (fits(labels, widthPx)) return ticks;
  }
  // Too narrow even for both ends: the end alone says how long the session is.
  const end = make(1)[1];
  return end ? [end] : [];
}
