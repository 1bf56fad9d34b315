import type { NormalizedEvent } from "../../../src/schema/normalized-event.ts";
import { formatCount, formatDuration } from "./format.ts";
import { formatCostFine } from "./usage.ts";

/** A number field of the payload; Claude Code sends some as strings (`"duration_ms": "26"`). */
export function payloadNumber(e: NormalizedEvent, key: string): number | null {
  const p = e.payload;
  const v = p && typeof p === "object" ? (p as Record<string, unknown>)[key] : undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/**
 * The one-line summary a Live row shows. Hook and TelemetryEvent rows use the server's summary;
 * Claude Code's `api_request` gets tokens, cache, cost and time to first token in the dashboard's
 * formats, and OTLP summaries lose their trailing duration, which the row shows in its own cell.
 */
export function rowSummary(e: NormalizedEvent): string {
  if (e.source !== "otlp") return e.summary;
  if (e.type === "claude_code.api_request" && e.usage) {
    const u = e.usage;
    const cache = u.cacheReadTokens + u.cacheCreationTokens;
    const ttft = payloadNumber(e, "ttft_ms");
    return [
      u.model ?? e.model ?? "model",
      `${formatCount(u.inputTokens)} in`,
      `${formatCount(u.outputTokens)} out`,
      cache > 0 ? `${formatCount(cache)} cache` : null,
      u.costUsd !== null ? formatCostFine(u.costUsd) : null,
      ttft !== null ? `ttft ${formatDuration(ttft)}` : null,
    ]
      .filter(Boolean)
      .join(" · ");
  }
  return e.durationMs !== null ? e.summary.replace(/ · \d+(\.\d+)? ms$/, "") : e.summary;
}
