// Claude Code reports usage per API request (log events) or per export interval (metric deltas).
// A negative count would subtract from a session's totals; the upper bounds are the schema's.
export { MAX_COST_USD, MAX_TOKENS } from "../schema/normalized-event.ts";

/** The amount when it is a plausible usage figure, else null (the figure is ignored). */
export function usageAmount(value: number | null, max: number): number | null {
  return value !== null && Number.isFinite(value) && value >= 0 && value <= max ? value : null;
}
