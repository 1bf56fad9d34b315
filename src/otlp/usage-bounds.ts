// Claude Code reports usage per API request (log events) or per export interval (metric deltas).
// Amounts beyond these are not usage but a broken or hostile sender: a negative count would
// subtract from a session's totals, and 1e308 dollars twice make the totals Infinity.

/** Most tokens one request or one interval can report: a thousand times a 1M-token context. */
export const MAX_TOKENS = 1e9;
/** Most US dollars one request or one interval can report. */
export const MAX_COST_USD = 1e5;

/** The amount when it is a plausible usage figure, else null (the figure is ignored). */
export function usageAmount(value: number | null, max: number): number | null {
  return value !== null && Number.isFinite(value) && value >= 0 && value <= max ? value : null;
}
