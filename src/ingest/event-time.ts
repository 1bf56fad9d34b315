import { MAX_DURATION_MS } from "../schema/normalized-event.ts";

// When an event says it happened (X-Spanlight-Time, a TelemetryEvent's timestamp) is taken only
// when it is plausible: a clock reset to 1970 or a year 275760 would put spans outside what OTLP
// can carry (unsigned nanoseconds since 1970) and wreck durations. Spooled hooks can arrive days
// late, so the past is open back to 2000; a sender's clock running ahead is allowed a day.

/** The earliest time an event may claim: 2000-01-01T00:00:00Z. */
export const EARLIEST_EVENT_MS = Date.UTC(2000, 0, 1);
/** How far past the server's clock an event may claim to be. */
export const MAX_AHEAD_MS = 24 * 60 * 60 * 1000;

/** A reported duration in milliseconds, or null when absent, negative or longer than MAX_DURATION_MS. */
export function plausibleDuration(ms: number | null): number | null {
  return ms !== null && ms >= 0 && ms <= MAX_DURATION_MS ? ms : null;
}

/** The event's own time as an ISO string, or null (use the arrival time) when absent or implausible. */
export function plausibleTime(value: string | null | undefined, receivedAt: string): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < EARLIEST_EVENT_MS || ms > Date.parse(receivedAt) + MAX_AHEAD_MS) return null;
  return new Date(ms).toISOString();
}
