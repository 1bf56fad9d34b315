/** Display formatting in one place, so every view shows numbers, times and money the same way. */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * `850 ms`, `4.2 s`, `42 s`, `3m 05s`, `2h 10m`. Each unit is chosen after rounding, so a value
 * just under a boundary rolls over (999.6 ms is `1.0 s`, 59.6 s is `1m 00s`) instead of showing
 * `1000 ms` or `60 s`.
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const v = Math.max(0, ms);
  if (Math.round(v) < SECOND) return `${Math.round(v)} ms`;
  if (Math.round(v / 100) < 100) return `${(v / SECOND).toFixed(1)} s`;
  const seconds = Math.round(v / SECOND);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < HOUR / SECOND) {
    return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, "0")}s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, "0")}m`;
}

/** `just now`, `12s ago`, `5m ago`, `3h ago`, `2d ago`; future times (clock skew) read as `just now`. */
export function formatRelative(iso: string | null | undefined, nowMs: number): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  const d = nowMs - t;
  if (d < 2 * SECOND) return "just now";
  if (d < MINUTE) return `${Math.floor(d / SECOND)}s ago`;
  if (d < HOUR) return `${Math.floor(d / MINUTE)}m ago`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h ago`;
  return `${Math.floor(d / DAY)}d ago`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Local wall-clock time with milliseconds, for log rows: `14:03:07.412`. */
export function formatClock(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** Full local date and time for hover titles: `2026-11-21 14:03:07.412`. */
export function formatAbsolute(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatClock(iso)}`;
}

/** `999`, `12.3k`, `456k`, `2.5M`; like durations, the unit is chosen after rounding (99,960 is `100k`). */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return "—";
  if (Math.abs(Math.round(n)) < 10_000) return String(Math.round(n));
  const k = n / 1000;
  if (Math.abs(Math.round(k * 10)) < 1000) return `${k.toFixed(1)}k`;
  if (Math.abs(Math.round(k)) < 1000) return `${k.toFixed(0)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  const p = ratio * 100;
  if (p === 0) return "0%";
  if (p < 0.1) return "<0.1%";
  return `${p < 9.95 ? p.toFixed(1) : Math.round(p)}%`;
}

/** Below half of the smallest step shown ($0.0001) a cost would print as `$0.0000`: it reads `<$0.0001`. */
export const TINY_COST_USD = 0.00005;

/** A count and its noun, singular for one: `1 tool call`, `2 tool calls`, `12.3k events`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** Dollars with cents, or more precision for the sub-cent amounts single tool calls cost. */
export function formatCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return "—";
  if (usd === 0) return "$0";
  if (usd < TINY_COST_USD) return "<$0.0001";
  // Compared before rounding to cents: $0.00996 rounds to a whole cent and reads `$0.01`, not `$0.0100`.
  if (usd < 0.00995) return `$${usd.toFixed(4)}`;
  return `$${usd.toFixed(2)}`;
}

/** Last path segment with its parent: `src/app.ts`; the full path goes in the title. */
export function shortPath(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length <= 2 ? path : `…/${parts.slice(-2).join("/")}`;
}

/** First 8 characters of an id (UUIDs, tool use ids), enough to tell sessions apart at a glance. */
export function shortId(id: string | null | undefined): string {
  if (!id) return "—";
  return id.length > 10 ? id.slice(0, 8) : id;
}
